/* Wegwijzer service worker: keeps the guidance usable with no network.
 *
 * Served by the app at /sw.js with VERSION and the precache lists filled in. Any deploy that
 * changes a page, a number, a translation or an asset changes VERSION, so the browser sees a
 * new worker; it then waits until the user agrees to switch (a half-typed draft must never be
 * lost to a reload).
 *
 * Only URLs on the allowlists below are ever cached: API answers, staff pages and anything
 * else that could hold private data pass straight to the network.
 */
'use strict';

const VERSION = '__VERSION__';
const SHELL = __SHELL__; // assets (with content hashes) and the manifest
const PAGES = __PAGES__; // { locale: [page paths] }
const CACHE_PREFIX = 'wegwijzer-';
const CACHE = `${CACHE_PREFIX}${VERSION}`;
const LAST_LOCALE_KEY = '/__wegwijzer/last-locale';

/* A static file's URL as this deploy precaches it (with its content hash). */
function assetUrl(name) {
  return SHELL.find((url) => url.startsWith(`/static/${name}?`));
}

// The names shared with the pages (message types, the sync tag): the same precached file they
// load. Without it this worker cannot talk to them, so it fails to install and the one already
// running stays in charge.
importScripts(assetUrl('shared.js'));
const { MESSAGE, SYNC_TAG } = self.WegwijzerShared;

const shellUrls = new Set(SHELL);
const pageLocale = new Map();
for (const [locale, paths] of Object.entries(PAGES)) {
  for (const path of paths) pageLocale.set(path, locale);
}

function freshRequest(url) {
  // 'reload' bypasses the HTTP cache: the precache must hold this deploy's bytes. An asset whose
  // URL carries its content hash (?v=) cannot be stale, so the copy the page just downloaded
  // is reused instead of fetched a second time on the first visit.
  const hashed = /[?&]v=[0-9a-f]+$/.test(url);
  return new Request(url, { cache: hashed ? 'default' : 'reload', credentials: 'same-origin' });
}

async function localeIsCached(cache, locale) {
  const hits = await Promise.all(PAGES[locale].map((path) => cache.match(path)));
  return hits.every(Boolean);
}

async function precacheLocale(locale) {
  if (!PAGES[locale]) return false;
  const cache = await caches.open(CACHE);
  await cache.put(LAST_LOCALE_KEY, new Response(locale));
  if (!(await localeIsCached(cache, locale))) {
    await cache.addAll(PAGES[locale].map(freshRequest));
  }
  return true;
}

async function localesInOldCaches() {
  // A new version keeps every language the previous one had offline.
  const found = new Set();
  for (const name of await caches.keys()) {
    if (!name.startsWith(CACHE_PREFIX) || name === CACHE) continue;
    const old = await caches.open(name);
    for (const locale of Object.keys(PAGES)) {
      if (await old.match(PAGES[locale][0])) found.add(locale);
    }
    const last = await old.match(LAST_LOCALE_KEY);
    if (last) found.add(await last.text());
  }
  return [...found];
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map(freshRequest));
    for (const locale of await localesInOldCaches()) await precacheLocale(locale);
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    // Delete only our own stale caches; other caches on this origin are not ours to touch.
    for (const name of await caches.keys()) {
      if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === MESSAGE.SKIP_WAITING) {
    self.skipWaiting();
  } else if (data.type === MESSAGE.PRECACHE && event.ports[0]) {
    const port = event.ports[0];
    // A page whose navigation began while this first worker was installing is skipped by the
    // claim in 'activate': take it now, so the page it reports "ready" to is really served by us.
    const claimed = self.clients.claim().catch(() => undefined);
    event.waitUntil(claimed.then(() => precacheLocale(data.locale)).then(
      (ok) => port.postMessage({
        type: MESSAGE.OFFLINE_READY, ok, locale: data.locale, version: VERSION,
      }),
      () => port.postMessage({ type: MESSAGE.OFFLINE_READY, ok: false, locale: data.locale }),
    ));
  }
});

async function fromCacheThenNetwork(request, key) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(key);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic' && !response.redirected) await cache.put(key, response.clone());
  return response;
}

async function handlePage(event, path) {
  const locale = pageLocale.get(path);
  // Opening one page of a language makes all its pages available offline.
  event.waitUntil(precacheLocale(locale).catch(() => undefined));
  try {
    return await fromCacheThenNetwork(event.request, path);
  } catch {
    const cache = await caches.open(CACHE);
    return (await cache.match(PAGES[locale][0])) || Response.error();
  }
}

async function handleStart(event) {
  // The installed app starts at "/": open it in the language last used on this device.
  const cache = await caches.open(CACHE);
  const last = await cache.match(LAST_LOCALE_KEY);
  const locale = last ? await last.text() : null;
  const cached = locale && PAGES[locale] ? await cache.match(PAGES[locale][0]) : null;
  if (cached) return cached;
  try {
    return await fetch(event.request);
  } catch {
    for (const paths of Object.values(PAGES)) {
      const any = await cache.match(paths[0]);
      if (any) return any;
    }
    return Response.error();
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (shellUrls.has(url.pathname + url.search)) {
    event.respondWith(fromCacheThenNetwork(request, url.pathname + url.search));
  } else if (pageLocale.has(url.pathname) && request.mode === 'navigate') {
    event.respondWith(handlePage(event, url.pathname));
  } else if (url.pathname === '/' && request.mode === 'navigate') {
    event.respondWith(handleStart(event));
  }
  // Everything else (the API, staff pages, unknown URLs) goes to the network untouched.
});

// Background Sync: send the outbox of concerns even when no page is open. The code is the
// pages' own (drafts-db.js, receipt-key.js, outbox.js); its lock means a page and this worker
// never both send. If a script cannot load, none is run: the worker still serves the guidance
// and the pages still sync (each concern with its receipt key, as from a page).
try {
  importScripts(assetUrl('drafts-db.js'), assetUrl('receipt-key.js'), assetUrl('outbox.js'));
} catch { /* no outbox in the worker */ }

// Opening the app on any page (a guidance page too) sends what waits in the outbox.
self.addEventListener('message', (event) => {
  if (event.data?.type !== MESSAGE.SYNC_OUTBOX || !self.WegwijzerOutbox?.available) return;
  event.waitUntil(self.WegwijzerOutbox.sync().catch(() => undefined));
});

self.addEventListener('sync', (event) => {
  if (event.tag !== SYNC_TAG || !self.WegwijzerOutbox?.available) return;
  event.waitUntil(self.WegwijzerOutbox.sync().then((outcome) => {
    // Rejecting asks the browser to try again later, with its own back-off.
    if (outcome.waiting > 0 && !event.lastChance) throw new Error('concerns still waiting');
  }));
});
