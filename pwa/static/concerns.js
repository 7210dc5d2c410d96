/* What both concern pages share: translated labels, dates, persistent storage and the sync timer.
 *
 * The outbox is tried when a concern page opens, when the browser comes back online, when the
 * page becomes visible again, on "send now", by Background Sync (the service worker) and by a
 * timer that backs off while something waits: a server that is down fires no `online` event.
 */
(function () {
  'use strict';
  var Drafts = window.WegwijzerDrafts;
  var Outbox = window.WegwijzerOutbox;
  var lang = document.documentElement.lang;
  var labels = (document.getElementById('concern-labels') || document.body).dataset;
  // Seconds between tries while something waits; the last one repeats.
  var BACKOFF_SECONDS = [5, 15, 60, 300];
  var FORMAT_LOCALES = { nl: 'nl-BE', fr: 'fr-BE', en: 'en-GB' };

  /* A translated string from data-label-* (rendered with _() by the template), {name} filled. */
  function label(name, values) {
    var key = 'label' + name.replace(/(^|-)([a-z])/g, function (m, dash, c) {
      return c.toUpperCase();
    });
    var text = labels[key] || '';
    Object.keys(values || {}).forEach(function (k) {
      text = text.split('{' + k + '}').join(values[k]);
    });
    return text;
  }

  function formatDate(iso, timeOnly) {
    if (!iso) return '';
    var date = new Date(iso);
    if (isNaN(date)) return '';
    var options = timeOnly ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' };
    return new Intl.DateTimeFormat(FORMAT_LOCALES[lang] || lang, options).format(date);
  }

  function textElement(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text) element.textContent = text;
    return element;
  }

  // --- Redraw when anything changes in another tab, in the worker or in this page.
  var changeListeners = [];
  function onChange(listener) { changeListeners.push(listener); }
  function changed() { changeListeners.forEach(function (listener) { listener(); }); }
  if (typeof BroadcastChannel !== 'undefined') {
    new BroadcastChannel(Outbox.CHANNEL).onmessage = changed; // also hears this page's own sync
  }

  // --- The sync timer with back-off; one attempt at a time in this page (the lock does the rest).
  var sync = { running: false, step: 0, timer: null, nextAt: null, outcome: null };

  function schedule(seconds) {
    clearTimeout(sync.timer);
    sync.nextAt = new Date(Date.now() + seconds * 1000);
    sync.timer = setTimeout(syncNow, seconds * 1000);
  }

  async function syncNow(options) {
    if (options && options.reset) sync.step = 0;
    if (sync.running) return sync.outcome;
    clearTimeout(sync.timer);
    sync.running = true;
    sync.nextAt = null;
    changed();
    var outcome;
    try {
      outcome = await Outbox.sync();
    } catch (error) {
      outcome = { unreachable: true, waiting: 1 };
    }
    sync.running = false;
    sync.outcome = outcome;
    if (outcome.busy) {
      schedule(BACKOFF_SECONDS[0]); // another tab or the worker is sending: look again soon
    } else if (outcome.waiting > 0) {
      schedule(BACKOFF_SECONDS[Math.min(sync.step, BACKOFF_SECONDS.length - 1)]);
      sync.step++;
      registerBackgroundSync();
    } else {
      sync.step = 0;
    }
    if (outcome.sent) Outbox.refreshReceipts(lang).catch(function () {});
    changed();
    return outcome;
  }

  /* Where the browser has Background Sync, the worker sends the outbox even with no page open. */
  function registerBackgroundSync() {
    if (!('serviceWorker' in navigator)) return Promise.resolve();
    var registering = navigator.serviceWorker.ready.then(function (registration) {
      return registration.sync ? registration.sync.register(Outbox.SYNC_TAG) : null;
    }).catch(function () { /* not allowed here: the timer and the online event remain */ });
    var enough = new Promise(function (resolve) { setTimeout(resolve, 1000); });
    return Promise.race([registering, enough]);
  }

  window.addEventListener('online', function () { syncNow({ reset: true }); });
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible' && !sync.running) syncNow();
  });

  // --- Ask the browser to keep our storage; say so plainly when it does not.
  function checkPersistence() {
    var note = document.getElementById('storage-note');
    if (!note) return;
    var storage = navigator.storage;
    if (!storage || !storage.persist) { note.hidden = false; return; }
    storage.persisted().then(function (persisted) {
      return persisted || storage.persist();
    }).then(function (persisted) {
      note.hidden = Boolean(persisted);
    }).catch(function () { note.hidden = false; });
  }

  window.WegwijzerConcerns = {
    lang: lang,
    label: label,
    formatDate: formatDate,
    textElement: textElement,
    onChange: onChange,
    changed: changed,
    sync: sync,
    syncNow: syncNow,
    registerBackgroundSync: registerBackgroundSync,
    listUrl: '/' + lang + '/concerns/',
    formUrl: '/' + lang + '/concerns/new'
  };

  if (!Drafts || !Drafts.available) return;
  checkPersistence();
  // Opening a concern page is "opening the app" for the outbox: try at once.
  document.addEventListener('DOMContentLoaded', function () { syncNow(); });
})();
