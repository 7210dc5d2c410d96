/* The concern form, enhanced: a draft kept on this phone as you type, sent through the outbox.
 *
 * Without JavaScript (or IndexedDB) the form still posts to the server as plain HTML.
 */
(() => {
  'use strict';
  const form = document.getElementById('concern-form');
  if (!form) return;
  const C = window.WegwijzerConcerns;
  const Drafts = window.WegwijzerDrafts;
  const { STATE } = window.WegwijzerShared;
  const SAVE_DELAY_MS = 300;

  // --- Acute danger: the 112 guidance appears right where the box is ticked.
  const urgentBox = document.getElementById('field-urgent');
  const urgentGuidance = document.getElementById('urgent-guidance');
  function showUrgent() {
    if (urgentBox && urgentGuidance) urgentGuidance.hidden = !urgentBox.checked;
  }
  if (urgentBox && urgentGuidance) {
    (urgentBox.closest('.field') || urgentBox).after(urgentGuidance);
    urgentBox.addEventListener('change', showUrgent);
    showUrgent();
  }

  const fieldsOf = window.WegwijzerFields(form);
  // "Remember my details on this phone": the teacher's own details only (remember.js).
  const myDetails = window.WegwijzerRemember.forForm(form, fieldsOf);
  // --- Step 1: while "the CLB anchor knows" is not ticked, the reminder under it shows the
  // anchor's call button (anchor.js fills it in from this phone).
  const clbBox = document.getElementById('field-clb_informed');
  const anchorReminder = document.getElementById('anchor-reminder');
  function showReminder() {
    if (clbBox && anchorReminder) anchorReminder.hidden = clbBox.checked;
  }
  if (clbBox && anchorReminder) {
    clbBox.addEventListener('change', showReminder);
    showReminder();
  }

  if (!C.keepsConcerns) {
    // No IndexedDB or Web Locks: post the form as HTML, with a token fresh from the server (the
    // page may come from the offline copy).
    myDetails.fill();
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      myDetails.keep();
      fetch('/api/csrf', { credentials: 'same-origin', cache: 'no-store' })
        .then((response) => response.json())
        .then((body) => {
          // No token (e.g. 429 rate limited): post with the page's own; the server says why.
          if (typeof body.csrf_token === 'string') form.elements.csrf_token.value = body.csrf_token;
        })
        .catch(() => {})
        .then(() => { form.submit(); });
    });
    return;
  }

  const status = document.getElementById('draft-status');
  // "This browser may delete drafts" belongs next to "draft saved on this phone".
  const storageNote = document.getElementById('storage-note');
  if (storageNote) status.before(storageNote);
  const keyInput = document.getElementById('idempotency-key');
  let draft = null; // this page's copy of the draft record
  let dirty = false;
  let timer = null;
  let shownErrors = [];

  const userControls = fieldsOf.controls;
  const readFields = fieldsOf.read;
  const fillFields = fieldsOf.fill;
  const clearFieldError = fieldsOf.clearError;
  const fieldLabel = fieldsOf.label;
  function showFieldError(name, messages) {
    const shown = fieldsOf.showError(name, messages);
    if (shown) shownErrors.push(name);
    return shown;
  }

  // --- Messages above the form, about the whole concern.
  function showNotice(text, className, extra) {
    const old = document.getElementById('draft-notice');
    if (old) old.remove();
    const box = C.textElement('div', className || 'notice');
    box.id = 'draft-notice';
    box.setAttribute('role', 'alert');
    box.appendChild(C.textElement('p', '', text));
    if (extra) box.appendChild(extra);
    form.before(box);
    return box;
  }
  function messageFor(text) {
    return text === 'idempotency_key_reused' ? C.label('key-reused') : text;
  }
  function showServerErrors(errors) {
    let general = [];
    Object.keys(errors || {}).forEach((name) => {
      const messages = (errors[name] || []).map(messageFor);
      if (!showFieldError(name, messages)) general = general.concat(messages);
    });
    const list = C.textElement('ul');
    general.forEach((text) => { list.appendChild(C.textElement('li', '', text)); });
    shownErrors.forEach((name) => {
      const paragraph = document.getElementById(`error-${name}`);
      const item = C.textElement('li');
      const link = C.textElement('a', '', `${fieldLabel(name)}: ${paragraph.textContent}`);
      link.href = `#field-${name}`;
      item.appendChild(link);
      list.appendChild(item);
    });
    showNotice(C.label('rejected-intro'), 'error-summary', list);
  }

  // --- Autosave: after a pause in typing, at once on a change, and as the page goes away.
  function noteSaved() {
    const text = C.label('saved', { time: C.formatDate(new Date().toISOString(), true) });
    if (status.textContent !== text) status.textContent = text;
  }
  function lockForm(text) {
    draft.state = STATE.WAITING;
    userControls().forEach((el) => { el.disabled = true; });
    form.querySelectorAll('button').forEach((button) => { button.disabled = true; });
    const link = C.textElement('a', '', C.label('my-concerns'));
    link.href = C.listUrl;
    const more = C.textElement('p');
    more.appendChild(link);
    showNotice(text || C.label('locked'), 'notice notice-waiting', more);
  }
  function save() {
    clearTimeout(timer);
    timer = null;
    if (!dirty || !draft || draft.state === STATE.WAITING) return Promise.resolve();
    dirty = false;
    const fields = readFields();
    return Drafts.saveDraft(draft.id, fields, C.lang).then((stored) => {
      if (!stored) return lockForm(C.label('sent-elsewhere'));
      if (stored.state === STATE.WAITING) return lockForm();
      draft = stored;
      myDetails.keep();
      noteSaved();
    }, () => {
      dirty = true;
      status.textContent = C.label('not-saved');
    });
  }
  function flushNow() {
    // The page may be gone in a moment: hand the write to IndexedDB in this task.
    if (!dirty || !draft || draft.state === STATE.WAITING) return;
    clearTimeout(timer);
    timer = null;
    const stamp = new Date().toISOString();
    const record = Object.assign({}, draft, {
      fields: readFields(), lang: C.lang, updated_at: stamp, created_at: draft.created_at || stamp
    });
    myDetails.keep();
    if (Drafts.putDraftNow(record)) {
      draft = record;
      dirty = false;
    } else {
      save();
    }
  }
  function edited(event) {
    dirty = true;
    if (event.target.name) clearFieldError(event.target.name);
    if (draft && !/[?&]draft=/.test(location.search)) {
      // A reload (or an app update) reopens this draft; the URL carries only its random id.
      history.replaceState(history.state, '', `${location.pathname}?draft=${draft.id}`);
    }
  }
  form.addEventListener('input', (event) => {
    if (event.target === myDetails.box) return; // not part of the concern
    edited(event);
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  });
  // Invisible marks pasted from chat apps (bidi isolates, zero-width spaces) go, and odd spaces
  // become plain ones, as the server stores them: the field shows the text as it will be kept.
  const invisible = new RegExp(`[${form.dataset.invisible}]`, 'g');
  const oddSpaces = new RegExp(`[${form.dataset.spaces}]`, 'g');
  function showAsStored(el) {
    if (!el.matches('input[type="text"], input[type="tel"], input[type="email"], textarea')) return;
    const stored = el.value.replace(invisible, '').replace(oddSpaces, ' ');
    if (stored !== el.value) el.value = stored;
  }
  form.addEventListener('change', (event) => {
    if (event.target === myDetails.box) return;
    showAsStored(event.target);
    edited(event);
    save();
  });
  window.addEventListener('pagehide', flushNow);
  window.addEventListener('beforeunload', flushNow);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flushNow();
  });
  // "Update now" (app.js) reloads the page soon after: save before it does.
  document.addEventListener('click', (event) => {
    if (event.target.closest?.('#update-button')) flushNow();
  }, true);

  // --- Send: check the obvious in the browser (the server is the judge), then queue.
  function validate() {
    shownErrors.forEach(clearFieldError);
    shownErrors = [];
    const seen = {};
    userControls().forEach((el) => {
      if (seen[el.name] || el.validity.valid) return;
      seen[el.name] = true;
      const message = el.validity.valueMissing ? C.label('required')
        : el.type === 'email' ? C.label('email') : el.validationMessage;
      showFieldError(el.name, [message]);
    });
    const fields = readFields();
    if (fields.kind === 'registration' && !(fields.pupil_ref || '').trim()) {
      showFieldError('pupil_ref', [C.label('pupil-ref-needed')]);
    }
    if (!shownErrors.length) return true;
    const first = form.querySelector(`[name="${shownErrors[0]}"]`);
    if (first) first.focus();
    return false;
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!draft || draft.state === STATE.WAITING || !validate()) return;
    clearTimeout(timer);
    dirty = false;
    myDetails.keep();
    Drafts.queueDraft(draft.id, readFields(), C.lang).then(() => {
      draft.state = STATE.WAITING;
      return C.registerBackgroundSync();
    }).then(() => {
      location.assign(C.listUrl);
    }, () => {
      status.textContent = C.label('not-saved');
    });
  });

  // --- Open: the draft named in ?draft=, or a new one with a key made on this device.
  async function start() {
    await Drafts.ready();
    const requested = new URLSearchParams(location.search).get('draft');
    let notice = null;
    if (Drafts.isId(requested)) {
      const stored = await Drafts.getDraft(requested);
      if (stored) {
        draft = stored;
        fillFields(stored.fields || {});
        showUrgent();
        showReminder();
        if (stored.state === STATE.WAITING) lockForm();
        if (stored.state === STATE.REJECTED) showServerErrors(stored.errors);
      } else {
        const receipt = await Drafts.getReceipt(requested);
        notice = receipt ? C.label('already-sent', { reference: receipt.reference })
          : C.label('missing');
      }
    }
    if (!draft) {
      draft = { id: Drafts.newId(), state: STATE.DRAFT, created_at: new Date().toISOString() };
      if (requested) history.replaceState(history.state, '', location.pathname);
      if (notice) showNotice(notice);
      myDetails.fill(); // a new concern only: a draft keeps the details it was written with
    }
    if (keyInput) keyInput.value = draft.id;
    // Another tab may send or queue this same draft: then this page must stop writing to it.
    C.onChange(() => {
      if (draft.state === STATE.WAITING) return;
      Promise.all([Drafts.getDraft(draft.id), Drafts.getReceipt(draft.id)]).then((found) => {
        if (found[1]) lockForm(C.label('sent-elsewhere'));
        else if (found[0] && found[0].state === STATE.WAITING) lockForm();
      });
    });
    if (dirty) save(); // typed while the draft was loading
  }
  start().catch(() => { status.textContent = C.label('not-saved'); });
})();
