/* The teacher's own CLB anchor (step 1 of the Antwerp flow): saved, shown and dialled on this phone.
 *
 * Stored in localStorage under WegwijzerShared.ANCHOR_KEY ("wegwijzer.clb-anchor", see shared.js)
 * as {name, number (E.164), saved_at}; it never leaves the phone. The pages' HTML is the same for
 * everyone and cached offline: each [data-anchor-slot] holds the offer to save an anchor, which
 * this script swaps for a call button when one is saved. The anchor page (/<lang>/anchor/) saves,
 * changes and removes it. The number is checked here, by phone.js.
 */
(() => {
  'use strict';
  const { ANCHOR_KEY } = window.WegwijzerShared;
  const Phone = window.WegwijzerPhone;
  const labelBox = document.getElementById('anchor-labels');
  if (!labelBox || !Phone) return;
  const labels = labelBox.dataset;
  const home = labels.country; // the country of a number typed in its national form
  const MAX_NAME = 80;

  // --- Storage: one key; anything unreadable counts as "no anchor saved".
  function readAnchor() {
    try {
      const stored = JSON.parse(localStorage.getItem(ANCHOR_KEY));
      const name = typeof stored?.name === 'string' ? stored.name.trim() : '';
      const phone = Phone.parse(stored?.number, home);
      return name && phone.ok ? { name: name, phone: phone } : null;
    } catch {
      return null; // storage blocked, or not JSON
    }
  }
  function saveAnchor(name, phone) {
    const record = { name: name, number: phone.e164, saved_at: new Date().toISOString() };
    localStorage.setItem(ANCHOR_KEY, JSON.stringify(record)); // throws where storage is blocked
  }
  function removeAnchor() {
    try { localStorage.removeItem(ANCHOR_KEY); } catch { /* nothing was saved */ }
  }

  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  /* The call button, as the server draws every other one (_macros.html phone_link). */
  function callButton(anchor) {
    const link = element('a', 'call anchor-call');
    link.href = anchor.phone.tel;
    link.appendChild(element('span', 'call-icon', '☎')).setAttribute('aria-hidden', 'true');
    const label = link.appendChild(element('span', 'call-label'));
    // A function, so a name with $& or $' in it is taken as it is.
    const text = labels.labelCall.replace('{name}', () => anchor.name);
    label.appendChild(document.createTextNode(`${text} `));
    label.appendChild(element('span', 'number', anchor.phone.display));
    return link;
  }

  // --- Slots: step 1, the contacts page, the concern form's reminder.
  const slots = Array.prototype.map.call(document.querySelectorAll('[data-anchor-slot]'),
    (slot) => ({ slot: slot, offer: slot.cloneNode(true) }));
  function drawSlots() {
    const anchor = readAnchor();
    slots.forEach((item) => {
      if (!anchor) {
        // The server drew the offer; only an anchor removed since needs it drawn again.
        if (item.slot.dataset.state === 'saved') {
          item.slot.replaceChildren(...item.offer.cloneNode(true).childNodes);
        }
        item.slot.dataset.state = 'offer';
        return;
      }
      const more = element('p', 'anchor-more');
      const change = more.appendChild(element('a', '', labels.labelChange));
      change.href = labels.pageUrl;
      change.dataset.anchorLink = '';
      item.slot.replaceChildren(callButton(anchor), more);
      item.slot.dataset.state = 'saved';
    });
  }
  drawSlots();
  // Saved or removed in another tab: redraw here too.
  window.addEventListener('storage', (event) => {
    if (event.key === ANCHOR_KEY || event.key === null) drawSlots();
  });

  // The anchor page comes back to where it was opened from (the draft's id included), so the
  // link gets its address when tapped.
  document.addEventListener('click', (event) => {
    const link = event.target.closest?.('a[data-anchor-link]');
    if (!link) return;
    const place = link.closest('[id]');
    const back = location.pathname + location.search + (place ? `#${place.id}` : '');
    link.href = `${labels.pageUrl}?back=${encodeURIComponent(back)}`;
  }, true);

  // --- The anchor page: save, change, remove.
  const form = document.getElementById('anchor-form');
  if (!form) return;
  const formLabels = form.dataset;
  const fields = document.getElementById('anchor-fields');
  const nameInput = document.getElementById('anchor-name');
  const numberInput = document.getElementById('anchor-number');
  const cancel = document.getElementById('anchor-cancel');
  const saved = document.getElementById('anchor-saved');
  const status = document.getElementById('anchor-status');
  const dialog = document.getElementById('anchor-remove-dialog');
  const back = pageToReturnTo(new URLSearchParams(location.search).get('back'));
  let shownErrors = [];

  /* Only a page of this app (a relative path), never another site. */
  function pageToReturnTo(value) {
    if (!value?.startsWith('/') || value.startsWith('//')) return null;
    try {
      const url = new URL(value, location.origin);
      return url.origin === location.origin ? url.pathname + url.search + url.hash : null;
    } catch {
      return null;
    }
  }

  function say(text) {
    status.textContent = text;
  }
  function showError(input, text) {
    const paragraph = document.getElementById(`error-${input.id}`);
    paragraph.textContent = text;
    paragraph.hidden = false;
    input.closest('.field').classList.add('has-error');
    input.setAttribute('aria-invalid', 'true');
    shownErrors.push(input);
  }
  function clearErrors() {
    shownErrors.forEach((input) => {
      const paragraph = document.getElementById(`error-${input.id}`);
      paragraph.hidden = true;
      paragraph.textContent = '';
      input.closest('.field').classList.remove('has-error');
      input.removeAttribute('aria-invalid');
    });
    shownErrors = [];
  }
  function numberError(answer) {
    if (answer.error === 'other-country' && formLabels[`labelOtherCountry${cap(answer.country)}`]) {
      return formLabels[`labelOtherCountry${cap(answer.country)}`];
    }
    if (answer.error === 'invalid' || answer.error === 'other-country') {
      return formLabels[`labelInvalid${cap(answer.country === 'NL' ? 'NL' : 'BE')}`];
    }
    return formLabels[`label${cap(answer.error)}`];
  }
  function cap(word) {
    return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
  }

  /* The saved anchor with its buttons, or the form (empty, or to change what is saved). */
  function show(anchor, changing) {
    clearErrors();
    saved.hidden = !anchor || changing;
    form.hidden = Boolean(anchor) && !changing;
    cancel.hidden = !changing;
    if (anchor && !changing) {
      document.getElementById('anchor-saved-call').replaceChildren(callButton(anchor));
    }
    if (changing) {
      nameInput.value = anchor.name;
      numberInput.value = anchor.phone.display;
    } else if (!anchor) {
      form.reset();
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors();
    say('');
    const name = nameInput.value.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME);
    const phone = Phone.parse(numberInput.value, home);
    if (!name) showError(nameInput, formLabels.labelNameMissing);
    if (!phone.ok) showError(numberInput, numberError(phone));
    if (shownErrors.length) {
      shownErrors[0].focus();
      return;
    }
    try {
      saveAnchor(name, phone);
    } catch {
      say(formLabels.labelNotSaved);
      return;
    }
    drawSlots();
    if (back) {
      location.assign(back);
      return;
    }
    show(readAnchor(), false);
    say(formLabels.labelSaved);
    document.getElementById('anchor-saved-title').focus();
  });

  document.getElementById('anchor-change').addEventListener('click', () => {
    say('');
    show(readAnchor(), true);
    nameInput.focus();
  });
  cancel.addEventListener('click', () => {
    show(readAnchor(), false);
    document.getElementById('anchor-saved-title').focus();
  });

  // Removing asks first, in a modal dialog (focus stays inside; Escape keeps the anchor).
  document.getElementById('anchor-remove').addEventListener('click', () => {
    dialog.returnValue = '';
    dialog.showModal();
  });
  dialog.addEventListener('close', () => {
    if (dialog.returnValue !== 'remove') return;
    removeAnchor();
    drawSlots();
    show(null, false);
    say(formLabels.labelRemoved);
    document.getElementById('anchor-form-title').focus();
  });

  window.addEventListener('storage', (event) => {
    if (event.key === ANCHOR_KEY || event.key === null) show(readAnchor(), false);
  });

  show(readAnchor(), false);
  fields.disabled = false;
})();
