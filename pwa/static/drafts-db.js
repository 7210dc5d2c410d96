/* Concerns kept on this device (IndexedDB): drafts and the outbox, and receipts of sent ones.
 *
 * A plain script shared by the pages and the service worker (importScripts): it only uses what
 * both have (indexedDB, crypto). The text of a concern lives in "drafts" until the server
 * confirms it; then one transaction swaps it for a receipt that holds no text at all. The
 * CMP's follow-up agreement is kept only sealed to the concern's receipt key (receipt-key.js).
 */
((scope) => {
  'use strict';
  const { STATE, DB_NAME } = scope.WegwijzerShared;
  const DB_VERSION = 2; // 1: drafts, receipts, meta; 2 adds receipt keys
  const DRAFTS = 'drafts'; // {id, state: DRAFT, WAITING or REJECTED, lang, fields, errors, dates}
  // {id, reference, receipt_token, received_at, status, follow_up_sealed, ...checks}
  const RECEIPTS = 'receipts';
  const META = 'meta'; // {name: 'last-sync', ...}
  // {id (the concern's), private_key: a non-extractable CryptoKey, public_key: base64url}
  const KEYS = 'receipt-keys';
  const STORES = [[DRAFTS, 'id'], [RECEIPTS, 'id'], [META, 'name'], [KEYS, 'id']];
  let opening = null;
  let openedDb = null; // kept for putDraftNow, which must start without waiting

  function requestDone(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => { resolve(request.result); };
      request.onerror = () => { reject(request.error); };
    });
  }

  function transactionDone(tx) {
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => { resolve(); };
      tx.onabort = () => { reject(tx.error || new Error('transaction aborted')); };
      tx.onerror = () => { reject(tx.error); };
    });
  }

  function open() {
    if (opening) return opening;
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        // From nothing or from an older version: add the stores it lacks, keep what is there.
        const db = request.result;
        STORES.forEach(([name, keyPath]) => {
          if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, { keyPath: keyPath });
        });
      };
      request.onsuccess = () => {
        const db = request.result;
        // A newer version of the app wants to upgrade: let it, and reopen on next use.
        db.onversionchange = () => { db.close(); opening = null; openedDb = null; };
        openedDb = db;
        resolve(db);
      };
      request.onerror = () => { opening = null; reject(request.error); };
    });
    return opening;
  }

  /* Run `work(stores)` in one transaction; resolves with its result once committed. */
  async function withStores(names, mode, work) {
    const db = await open();
    const tx = db.transaction(names, mode, { durability: 'strict' });
    const stores = {};
    names.forEach((name) => { stores[name] = tx.objectStore(name); });
    const done = transactionDone(tx);
    let result;
    try {
      result = await work(stores);
    } catch (error) {
      try { tx.abort(); } catch { /* already finished */ }
      done.catch(() => {});
      throw error;
    }
    await done;
    return result;
  }

  function now() { return new Date().toISOString(); }

  function newId() {
    if (scope.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    const hex = Array.prototype.map.call(bytes, (b) => (b + 256).toString(16).slice(1));
    return [hex.slice(0, 4), hex.slice(4, 6), hex.slice(6, 8), hex.slice(8, 10), hex.slice(10)]
      .map((part) => part.join('')).join('-');
  }

  function isId(value) {
    const uuid4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    return uuid4.test(value || '');
  }

  function read(store, key) {
    return withStores([store], 'readonly', (s) =>
      requestDone(key === undefined ? s[store].getAll() : s[store].get(key)));
  }

  function getDraft(id) { return read(DRAFTS, id); }
  function getReceipt(id) { return read(RECEIPTS, id); }
  function listDrafts() { return read(DRAFTS); }
  function listReceipts() { return read(RECEIPTS); }

  /* Autosave: create or update a draft's fields. A concern already queued or sent is left
   * alone (a late save from an old tab must never resurrect sent text or change a queued body). */
  function saveDraft(id, fields, lang) {
    return withStores([DRAFTS, RECEIPTS], 'readwrite', async (s) => {
      if (await requestDone(s[RECEIPTS].get(id))) return null;
      let draft = await requestDone(s[DRAFTS].get(id));
      if (draft && draft.state === STATE.WAITING) return draft;
      const stamp = now();
      draft = draft || { id: id, state: STATE.DRAFT, created_at: stamp };
      draft.fields = fields;
      draft.lang = lang;
      draft.updated_at = stamp;
      s[DRAFTS].put(draft);
      return draft;
    });
  }

  /* "Send": the draft joins the outbox; its body is frozen from here on (same key, same body). */
  function queueDraft(id, fields, lang) {
    return withStores([DRAFTS, RECEIPTS], 'readwrite', async (s) => {
      if (await requestDone(s[RECEIPTS].get(id))) return null;
      const stamp = now();
      const draft = (await requestDone(s[DRAFTS].get(id))) || { id: id, created_at: stamp };
      if (draft.state === STATE.WAITING) return draft;
      draft.fields = fields;
      draft.lang = lang;
      draft.state = STATE.WAITING;
      draft.errors = null;
      draft.updated_at = stamp;
      draft.queued_at = stamp;
      s[DRAFTS].put(draft);
      return draft;
    });
  }

  /* Flush while the page goes away (reload, update, tab closed): the write must be handed to
   * IndexedDB in this very task, so no read first. The caller knows the draft is a draft. */
  function putDraftNow(draft) {
    if (!openedDb) return false;
    try {
      const tx = openedDb.transaction([DRAFTS], 'readwrite', { durability: 'strict' });
      tx.objectStore(DRAFTS).put(draft);
      if (tx.commit) tx.commit();
      return true;
    } catch {
      return false;
    }
  }

  function deleteDraft(id) {
    return withStores([DRAFTS, KEYS], 'readwrite', async (s) => {
      const draft = await requestDone(s[DRAFTS].get(id));
      // A queued concern may already have reached the server: it is not deleted behind its back.
      if (!draft || draft.state === STATE.WAITING) return false;
      s[DRAFTS].delete(id);
      s[KEYS].delete(id); // a draft sent once and then refused has a receipt key
      return true;
    });
  }

  /* The server confirmed (2xx): keep only the receipt and drop the text, in ONE transaction. */
  function markSent(id, answer) {
    return withStores([DRAFTS, RECEIPTS], 'readwrite', (s) => {
      s[RECEIPTS].put({
        id: id,
        reference: answer.reference,
        receipt_token: answer.receipt_token,
        received_at: answer.received_at,
        status: answer.status
      });
      s[DRAFTS].delete(id);
    });
  }

  /* The server refused the fields (422): back to the user with the errors, text kept. */
  function markRejected(id, errors) {
    return withStores([DRAFTS], 'readwrite', async (s) => {
      const draft = await requestDone(s[DRAFTS].get(id));
      if (!draft) return;
      draft.state = STATE.REJECTED;
      draft.errors = errors;
      draft.rejected_at = now();
      s[DRAFTS].put(draft);
    });
  }

  function updateReceipt(id, changes) {
    return withStores([RECEIPTS], 'readwrite', async (s) => {
      const receipt = await requestDone(s[RECEIPTS].get(id));
      if (!receipt) return;
      Object.keys(changes).forEach((key) => { receipt[key] = changes[key]; });
      s[RECEIPTS].put(receipt);
    });
  }

  function getReceiptKey(id) { return read(KEYS, id); }

  /* Keep a concern's receipt key unless it has one already; resolves with the one kept. */
  function keepReceiptKey(record) {
    return withStores([KEYS], 'readwrite', async (s) => {
      const kept = await requestDone(s[KEYS].get(record.id));
      if (kept) return kept;
      s[KEYS].add(record);
      return record;
    });
  }

  function getMeta(name) {
    return withStores([META], 'readonly', (s) => requestDone(s[META].get(name)));
  }

  function putMeta(record) {
    return withStores([META], 'readwrite', (s) => { s[META].put(record); });
  }

  /* What is on this phone, read without creating the database when there is none (the privacy
   * page must not make one just by looking). Its own connection, closed at once. */
  function peek() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME);
      request.onupgradeneeded = () => { request.transaction.abort(); }; // none yet: stays none
      request.onerror = () => { resolve({ drafts: [], receipts: [] }); };
      request.onsuccess = () => {
        const db = request.result;
        const names = [DRAFTS, RECEIPTS].filter((name) => db.objectStoreNames.contains(name));
        if (names.length < 2) { db.close(); resolve({ drafts: [], receipts: [] }); return; }
        const tx = db.transaction(names, 'readonly');
        const drafts = requestDone(tx.objectStore(DRAFTS).getAll());
        const receipts = requestDone(tx.objectStore(RECEIPTS).getAll());
        Promise.all([drafts, receipts]).then((found) => {
          db.close();
          resolve({ drafts: found[0], receipts: found[1] });
        }, (error) => { db.close(); reject(error); });
      };
    });
  }

  /* "Delete everything on this phone": every IndexedDB database of the app (this origin's),
   * drafts, outbox, receipts, their keys and sync notes. Open connections elsewhere (other tabs, the worker)
   * close on `versionchange` (see open()), so the deletion goes through. */
  async function eraseAll() {
    if (openedDb) openedDb.close();
    opening = null;
    openedDb = null;
    const names = new Set([DB_NAME]);
    if (indexedDB.databases) {
      try {
        (await indexedDB.databases()).forEach((info) => { if (info.name) names.add(info.name); });
      } catch { /* the list is optional: our own database is named above */ }
    }
    await Promise.all([...names].map((name) => requestDone(indexedDB.deleteDatabase(name))));
  }

  scope.WegwijzerDrafts = {
    available: typeof indexedDB !== 'undefined',
    ready: open,
    newId: newId,
    isId: isId,
    getDraft: getDraft,
    getReceipt: getReceipt,
    listDrafts: listDrafts,
    listReceipts: listReceipts,
    saveDraft: saveDraft,
    queueDraft: queueDraft,
    putDraftNow: putDraftNow,
    deleteDraft: deleteDraft,
    markSent: markSent,
    markRejected: markRejected,
    updateReceipt: updateReceipt,
    getReceiptKey: getReceiptKey,
    keepReceiptKey: keepReceiptKey,
    getMeta: getMeta,
    putMeta: putMeta,
    peek: peek,
    eraseAll: eraseAll
  };
})(self);
