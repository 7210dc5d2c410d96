/* What both concern pages share: translated labels, dates, persistent storage and the sync timer.
 *
 * The outbox is tried when a concern page opens, when the browser comes back online, when the
 * page becomes visible again, on "send now", by Background Sync (the service worker) and by a
 * timer while something waits: a server that is down fires no `online` event. The timer waits
 * as long as the server asked (429, 503 with Retry-After), else at most RETRY_SECONDS' last
 * (plus jitter); with the browser offline it waits for the `online` event instead.
 */
(() => {
  'use strict';
  const Drafts = window.WegwijzerDrafts;
  const Outbox = window.WegwijzerOutbox;
  const Shared = window.WegwijzerShared;
  const lang = document.documentElement.lang;
  const labels = (document.getElementById('concern-labels') || document.body).dataset;
  // Seconds between tries while the server cannot be reached; the last one repeats. Short: a
  // concern waiting through an outage arrives within 30 s of the server's return (app open).
  const RETRY_SECONDS = [5, 10, 20];
  // ±20 %, so the phones that waited through one outage don't all come back in the same second
  // (20 s at most becomes 24 s: still under 30).
  const JITTER = 0.2;
  const FORMAT_LOCALES = { nl: 'nl-BE', fr: 'fr-BE', en: 'en-GB' };
  // Kept on this phone only where IndexedDB stores them and Web Locks let the outbox send them
  // one at a time; elsewhere the form is sent as a plain page.
  const keepsConcerns = Boolean(Drafts?.available && Outbox?.available);

  /* A translated string from data-label-* (rendered with _() by the template), {name} filled. */
  function label(name, values) {
    const camel = name.replace(/(^|-)([a-z])/g, (_match, _dash, letter) => letter.toUpperCase());
    let text = labels[`label${camel}`] || '';
    Object.keys(values || {}).forEach((k) => {
      text = text.split(`{${k}}`).join(values[k]);
    });
    return text;
  }

  function formatDate(iso, timeOnly) {
    if (!iso) return '';
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return '';
    const options = timeOnly ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' };
    return new Intl.DateTimeFormat(FORMAT_LOCALES[lang] || lang, options).format(date);
  }

  function textElement(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text) element.textContent = text;
    return element;
  }

  // --- Redraw when anything changes in another tab, in the worker or in this page.
  const changeListeners = [];
  function onChange(listener) { changeListeners.push(listener); }
  function changed() { changeListeners.forEach((listener) => { listener(); }); }
  if (typeof BroadcastChannel !== 'undefined') {
    new BroadcastChannel(Shared.CHANNEL).onmessage = changed; // also hears this page's own sync
  }

  // --- The sync timer; one attempt at a time in this page (the lock does the rest).
  const sync = { running: false, step: 0, timer: null, nextAt: null, outcome: null };

  function schedule(seconds) {
    clearTimeout(sync.timer);
    sync.nextAt = new Date(Date.now() + seconds * 1000);
    sync.timer = setTimeout(syncNow, seconds * 1000);
  }

  function nextRetrySeconds() {
    const base = RETRY_SECONDS[Math.min(sync.step, RETRY_SECONDS.length - 1)];
    sync.step++;
    return base * (1 - JITTER + Math.random() * 2 * JITTER);
  }

  /* The next try for what still waits: when the server said, soon, or when back online. */
  function scheduleRetry(outcome) {
    if (outcome.retryAt) {
      // A quarter second late rather than early: the outbox skips passes before retryAt.
      schedule(Math.max(0, outcome.retryAt.getTime() - Date.now()) / 1000 + 0.25);
    } else if (navigator.onLine === false) {
      clearTimeout(sync.timer); // no network at all: the `online` event sends it
      sync.nextAt = null;
    } else {
      schedule(nextRetrySeconds());
    }
  }

  async function syncNow(options) {
    if (options?.reset) sync.step = 0;
    if (sync.running) return sync.outcome;
    clearTimeout(sync.timer);
    sync.running = true;
    sync.nextAt = null;
    changed();
    let outcome;
    try {
      outcome = await Outbox.sync({ force: Boolean(options?.force) });
    } catch {
      outcome = { unreachable: true, waiting: 1 };
    }
    sync.running = false;
    sync.outcome = outcome;
    if (outcome.busy) {
      schedule(RETRY_SECONDS[0]); // another tab or the worker is sending: look again soon
    } else if (outcome.waiting > 0) {
      scheduleRetry(outcome);
      registerBackgroundSync();
    } else {
      sync.step = 0;
    }
    if (outcome.sent) Outbox.refreshReceipts(lang).catch(() => {});
    changed();
    return outcome;
  }

  /* Where the browser has Background Sync, the worker sends the outbox even with no page open. */
  function registerBackgroundSync() {
    if (!('serviceWorker' in navigator)) return Promise.resolve();
    const registering = navigator.serviceWorker.ready
      .then((registration) => registration.sync?.register(Shared.SYNC_TAG))
      .catch(() => { /* not allowed here: the timer and the online event remain */ });
    const enough = new Promise((resolve) => { setTimeout(resolve, 1000); });
    return Promise.race([registering, enough]);
  }

  window.addEventListener('online', () => { syncNow({ reset: true }); });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && !sync.running) syncNow();
  });

  // --- Ask the browser to keep our storage; say so plainly when it does not.
  function checkPersistence() {
    const note = document.getElementById('storage-note');
    if (!note) return;
    const storage = navigator.storage;
    if (!storage?.persist) { note.hidden = false; return; }
    storage.persisted().then((persisted) => persisted || storage.persist()).then((persisted) => {
      note.hidden = Boolean(persisted);
    }).catch(() => { note.hidden = false; });
  }

  window.WegwijzerConcerns = {
    keepsConcerns: keepsConcerns,
    lang: lang,
    label: label,
    formatDate: formatDate,
    textElement: textElement,
    onChange: onChange,
    changed: changed,
    sync: sync,
    syncNow: syncNow,
    registerBackgroundSync: registerBackgroundSync,
    listUrl: `/${lang}/concerns/`,
    formUrl: `/${lang}/concerns/new`
  };

  if (!keepsConcerns) return;
  document.addEventListener('DOMContentLoaded', () => {
    // Once every page script has run: the form's script first moves the note next to its
    // "draft saved" line. Shown before that, it would appear above the form and jump away.
    checkPersistence();
    // Opening a concern page is "opening the app" for the outbox: try at once.
    syncNow();
  });
})();
