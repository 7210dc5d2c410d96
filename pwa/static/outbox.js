/* The outbox: sends waiting concerns to the server one at a time, exactly once.
 *
 * Shared by the pages and the service worker (Background Sync), like drafts-db.js. Exactly
 * once rests on two things: the Idempotency-Key (the draft's id) makes a retry after a lost
 * answer harmless, and one Web Lock across tabs and the worker means only one sync runs at all.
 *
 * Web Locks only, no fallback: every browser the app targets has them, in pages and workers
 * (Chrome/Edge 69+, Firefox 96+, Safari 15.4+ on iOS and macOS). Elsewhere `available` is false
 * and the concern form is sent as a plain page instead (concern-form.js).
 */
((scope) => {
  'use strict';
  const Drafts = scope.WegwijzerDrafts;
  const { STATE, SYNC_LOCK, CHANNEL, MESSAGE } = scope.WegwijzerShared;

  /* Tell every open page (and tab) that the concerns changed, so they redraw. */
  function announce() {
    if (typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage({ type: MESSAGE.CHANGED });
    channel.close();
  }

  async function readJson(response) {
    try { return await response.json(); } catch { return null; }
  }

  // A server that asks to wait (429 rate limited, 503 busy) is believed up to a day; a 429
  // without Retry-After means a minute.
  const MAX_WAIT_SECONDS = 24 * 3600;
  const DEFAULT_WAIT_SECONDS = 60;

  /* When the server said to try again (a Date), or null when it did not ask us to wait. */
  function askedToWaitUntil(response) {
    if (response.status !== 429 && response.status !== 503) return null;
    const value = (response.headers.get('Retry-After') || '').trim();
    let seconds = /^\d+$/.test(value) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
    if (!Number.isFinite(seconds)) {
      if (response.status === 503) return null; // not our server's "busy": unreachable
      seconds = DEFAULT_WAIT_SECONDS;
    }
    return new Date(Date.now() + Math.min(Math.max(seconds, 0), MAX_WAIT_SECONDS) * 1000);
  }

  /* { token } or, when the server asked to wait, { retryAt }; {} when there is none. */
  async function freshToken() {
    // A new token right before each POST: a concern queued for days still goes through.
    const response = await fetch('/api/csrf', {
      credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' }
    });
    const body = response.ok ? await readJson(response) : null;
    if (body && typeof body.csrf_token === 'string') return { token: body.csrf_token };
    return { retryAt: askedToWaitUntil(response) };
  }

  /* The concern as sent: the form's fields and, where this browser can make one, the public
   * key of the concern's receipt key (the same on every retry: it is kept before the first). */
  async function bodyOf(draft) {
    const ReceiptKey = scope.WegwijzerReceiptKey;
    const receiptKey = ReceiptKey ? await ReceiptKey.publicKeyFor(draft.id) : null;
    const fields = draft.fields || {};
    return JSON.stringify(receiptKey ? { ...fields, receipt_key: receiptKey } : fields);
  }

  function post(draft, body, token) {
    return fetch('/api/concerns', {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      // The pages say no-referrer; over HTTPS the CSRF check wants the origin (no path).
      referrerPolicy: 'strict-origin',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Accept-Language': draft.lang || 'nl',
        'X-CSRFToken': token,
        'Idempotency-Key': draft.id
      },
      body: body
    });
  }

  function isCsrfError(body) {
    return Boolean(body) && /csrf/i.test(JSON.stringify(body));
  }

  function isReceiptFor(draft, body) {
    // A Wi-Fi login page can answer 200 too: only the server's own receipt counts.
    return Boolean(body) && body.id === draft.id && typeof body.reference === 'string' &&
      typeof body.receipt_token === 'string';
  }

  /* One concern: { result } of 'sent', 'rejected', 'unreachable' (stop the pass), 'kept' (try
   * later) or 'wait' (stop the pass; the server asked to wait until `retryAt`). */
  async function sendOne(draft) {
    const body = await bodyOf(draft);
    for (let attempt = 0; attempt < 2; attempt++) {
      const { token, retryAt } = await freshToken();
      if (retryAt) return { result: 'wait', retryAt };
      if (!token) return { result: 'unreachable' };
      const response = await post(draft, body, token);
      const answer = await readJson(response);
      if (response.status === 200 || response.status === 201) {
        if (!isReceiptFor(draft, answer)) return { result: 'unreachable' };
        await Drafts.markSent(draft.id, answer);
        return { result: 'sent' };
      }
      if (response.status === 422 && answer) {
        const errors = answer.errors || { '': [answer.error || String(response.status)] };
        await Drafts.markRejected(draft.id, errors);
        return { result: 'rejected' };
      }
      if (response.status === 400 && isCsrfError(answer) && attempt === 0) continue;
      const waitUntil = askedToWaitUntil(response);
      if (waitUntil) return { result: 'wait', retryAt: waitUntil };
      return { result: response.status >= 500 ? 'unreachable' : 'kept' };
    }
    return { result: 'kept' };
  }

  /* The time a server's "wait" still holds (from the last pass, in any tab or the worker). */
  async function pausedUntil() {
    const last = await Drafts.getMeta('last-sync');
    const until = last?.retry_at ? Date.parse(last.retry_at) : Number.NaN;
    // Past, or absurdly far (the phone's clock was moved back): not waiting any more.
    if (!(until > Date.now()) || until - Date.now() > MAX_WAIT_SECONDS * 1000) return null;
    return { until: new Date(until), last: last };
  }

  async function countWaiting() {
    const drafts = await Drafts.listDrafts();
    return drafts.filter((d) => d.state === STATE.WAITING).length;
  }

  /* One pass over the outbox, oldest first; none before the time the server asked to wait,
   * unless the teacher asked for it (`force`: "send now" must never be a button that does
   * nothing; a server still limiting answers 429 again, storing nothing, with a new time). */
  async function runPass(force) {
    const outcome = { sent: 0, rejected: 0, waiting: 0, unreachable: false, retryAt: null };
    const paused = force ? null : await pausedUntil();
    if (paused) {
      outcome.waiting = await countWaiting();
      outcome.retryAt = paused.until;
      return outcome;
    }
    const drafts = await Drafts.listDrafts();
    const waiting = drafts.filter((d) => d.state === STATE.WAITING)
      .sort((a, b) => (a.queued_at || '').localeCompare(b.queued_at || ''));
    if (!waiting.length) return outcome;
    for (let i = 0; i < waiting.length; i++) {
      let sent;
      try {
        sent = await sendOne(waiting[i]);
      } catch {
        sent = { result: 'unreachable' }; // fetch failed: no network, or the server is down
      }
      const result = sent.result;
      if (result === 'sent') outcome.sent++;
      if (result === 'rejected') outcome.rejected++;
      if (result === 'sent' || result === 'rejected') announce();
      if (result === 'wait') { outcome.retryAt = sent.retryAt; break; }
      if (result === 'unreachable') { outcome.unreachable = true; break; }
    }
    outcome.waiting = await countWaiting();
    await Drafts.putMeta({
      name: 'last-sync', at: new Date().toISOString(), unreachable: outcome.unreachable,
      waiting: outcome.waiting, retry_at: outcome.retryAt ? outcome.retryAt.toISOString() : null
    });
    announce();
    return outcome;
  }

  /* Sync unless a sync already runs here, in another tab or in the service worker. The lock
   * is held until the pass ends, and let go by the browser if the tab or worker dies. */
  function sync(options) {
    return navigator.locks.request(SYNC_LOCK, { ifAvailable: true }, (lock) =>
      lock ? runPass(Boolean(options?.force)) : { busy: true });
  }

  /* Ask the server how each sent concern is getting on (status and follow-up agreement). */
  async function refreshReceipts(lang) {
    const receipts = await Drafts.listReceipts();
    for (let i = 0; i < receipts.length; i++) {
      const receipt = receipts[i];
      let response;
      try {
        response = await fetch(`/api/receipts/${encodeURIComponent(receipt.reference)}`, {
          credentials: 'same-origin',
          cache: 'no-store',
          headers: {
            Accept: 'application/json',
            'Accept-Language': lang,
            'X-Receipt-Token': receipt.receipt_token
          }
        });
      } catch {
        return false; // offline: keep what we last knew
      }
      const body = await readJson(response);
      const checked = new Date().toISOString();
      if (response.ok && body && body.reference === receipt.reference) {
        // The agreement is kept as the server sends it: sealed to this concern's receipt key
        // (opened only to show it, never stored open), or in clear for a concern sent before
        // receipt keys. Sealed, it shows offline too, as last fetched: see concern-list.js.
        await Drafts.updateReceipt(receipt.id, {
          status: body.status, updated_at: body.updated_at, follow_up: body.follow_up || null,
          follow_up_sealed: body.follow_up_sealed || null, checked_at: checked, unknown: false
        });
      } else if (response.status === 404) {
        await Drafts.updateReceipt(receipt.id, { checked_at: checked, unknown: true });
      }
    }
    if (receipts.length) announce();
    return true;
  }

  scope.WegwijzerOutbox = {
    available: Boolean(scope.navigator?.locks),
    announce: announce,
    sync: sync,
    refreshReceipts: refreshReceipts
  };
})(self);
