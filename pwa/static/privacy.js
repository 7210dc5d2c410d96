/* The privacy page: what this app keeps on this phone, "forget my details" and "delete everything".
 *
 * "Delete everything" removes the app's data: its IndexedDB database (drafts, outbox, receipts),
 * its localStorage and sessionStorage keys, and the remembered details. It leaves the service
 * worker and its offline copy of the guidance alone (they hold nothing about anyone), so the
 * guidance keeps working without internet. All of it works offline.
 */
(() => {
  'use strict';
  const section = document.getElementById('phone-data');
  if (!section) return;
  const Shared = window.WegwijzerShared;
  const Drafts = window.WegwijzerDrafts;
  const Remember = window.WegwijzerRemember;
  const labels = section.dataset;
  const status = document.getElementById('phone-data-status');
  const forgetButton = document.getElementById('forget-details');
  const eraseButton = document.getElementById('erase-all');
  const dialog = document.getElementById('erase-dialog');
  const warning = document.getElementById('erase-waiting');
  const canStore = Boolean(Drafts?.available);

  async function onPhone() {
    const found = canStore ? await Drafts.peek() : { drafts: [], receipts: [] };
    const waiting = found.drafts.filter((d) => d.state === Shared.STATE.WAITING).length;
    return {
      drafts: found.drafts.length - waiting,
      waiting: waiting,
      receipts: found.receipts.length,
      remembered: Remember.load() !== null
    };
  }

  function show(id, text) {
    const element = document.getElementById(id);
    if (element.textContent !== text) element.textContent = text;
  }

  async function render() {
    const found = await onPhone();
    show('count-drafts', String(found.drafts));
    show('count-waiting', String(found.waiting));
    show('count-receipts', String(found.receipts));
    show('remembered-state', found.remembered ? labels.labelRemembered : labels.labelNotRemembered);
    return found;
  }

  /* What happened, announced (role=status) and in sight: it may sit below the fold. */
  function say(text) {
    status.textContent = text;
    status.scrollIntoView({ block: 'nearest' });
  }

  /* Every key of ours in localStorage or sessionStorage (situation, ticks, my details...). */
  function clearWebStorage(name) {
    try {
      const storage = window[name];
      const ours = [];
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        if (key?.startsWith(Shared.STORAGE_PREFIX)) ours.push(key);
      }
      ours.forEach((key) => { storage.removeItem(key); });
    } catch { /* storage blocked: nothing was kept there */ }
  }

  async function eraseEverything() {
    async function erase() {
      Remember.forget();
      clearWebStorage('localStorage');
      clearWebStorage('sessionStorage');
      if (canStore) await Drafts.eraseAll();
    }
    // Under the outbox's lock: a concern being sent right now finishes first (its receipt is
    // then deleted too), and no send can start halfway through the deletion.
    if (navigator.locks) await navigator.locks.request(Shared.SYNC_LOCK, erase);
    else await erase();
    if (typeof BroadcastChannel !== 'undefined') {
      // Other open pages of the app redraw ("My concerns" shows none).
      const channel = new BroadcastChannel(Shared.CHANNEL);
      channel.postMessage({ type: Shared.MESSAGE.CHANGED });
      channel.close();
    }
  }

  forgetButton.addEventListener('click', () => {
    Remember.forget();
    say(labels.labelForgotten);
    render();
  });

  // Asks first, in a modal dialog (focus stays inside; Escape keeps everything).
  eraseButton.addEventListener('click', async () => {
    const found = await render();
    const template = found.waiting === 1 ? labels.labelWaitingOne : labels.labelWaitingMany;
    warning.textContent = found.waiting ? template.split('{count}').join(found.waiting) : '';
    warning.hidden = found.waiting === 0;
    dialog.returnValue = '';
    dialog.showModal();
  });
  dialog.addEventListener('close', () => {
    if (dialog.returnValue !== 'delete') return;
    say(labels.labelErasing);
    eraseEverything().then(render).then((found) => {
      const left = found.drafts + found.waiting + found.receipts > 0 || found.remembered;
      say(left ? labels.labelNotErased : labels.labelErased);
    }, () => {
      say(labels.labelNotErased);
    });
  });

  render().catch(() => { /* the counts stay "…"; deleting still works */ }).then(() => {
    forgetButton.disabled = false;
    eraseButton.disabled = false;
  });
})();
