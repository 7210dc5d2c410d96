/* The names the pages and the service worker must agree on, defined here once.
 *
 * A classic script, loaded before the others by every page (base.html) and by the service
 * worker (importScripts). Frozen, so no script can change a name behind the others' back.
 */
self.WegwijzerShared = Object.freeze({
  // Where a concern on this phone stands. DRAFT, WAITING (in the outbox) and REJECTED are
  // stored with the draft; SENT never is: once sent, only its receipt is kept.
  STATE: Object.freeze({
    DRAFT: 'draft',
    WAITING: 'waiting',
    REJECTED: 'rejected',
    SENT: 'sent',
  }),
  // The IndexedDB database of concerns on this phone (drafts-db.js).
  DB_NAME: 'wegwijzer',
  // Every key the app puts in localStorage or sessionStorage starts with this.
  STORAGE_PREFIX: 'wegwijzer.',
  // The teacher's own details, kept only when they tick "remember my details" (remember.js).
  REMEMBERED_KEY: 'wegwijzer.my-details',
  // The teacher's own CLB anchor (step 1 of the Antwerp flow): {name, number (E.164), saved_at}
  // as JSON in localStorage under this key, on this phone only (anchor.js). localStorage, not
  // the IndexedDB of the concerns: it is read synchronously, so step 1 shows the call button as
  // the page is drawn, and guidance pages need no database script. Like every localStorage key
  // of the app it starts with "wegwijzer."; deleting the app's data must remove it too.
  ANCHOR_KEY: 'wegwijzer.clb-anchor',
  // The Background Sync tag the pages register and the worker's `sync` event answers.
  SYNC_TAG: 'wegwijzer-outbox',
  // The Web Lock that lets one sync run at a time across tabs and the worker.
  SYNC_LOCK: 'wegwijzer-sync',
  // The BroadcastChannel on which every open page hears that the concerns changed.
  CHANNEL: 'wegwijzer-concerns',
  // Message types between the pages and the service worker (and on CHANNEL).
  MESSAGE: Object.freeze({
    SKIP_WAITING: 'skip-waiting', // page -> worker: the user agreed to switch versions
    PRECACHE: 'precache', // page -> worker: keep this language offline (answer on a port)
    OFFLINE_READY: 'offline-ready', // worker -> page: the answer to PRECACHE
    SYNC_OUTBOX: 'sync-outbox', // page -> worker: the app was opened, send what waits
    CHANGED: 'changed', // outbox -> pages, on CHANNEL: redraw
  }),
});
