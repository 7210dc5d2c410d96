/* Wegwijzer page script: remembers the situation, shows "open now", runs the service worker. */
(() => {
  'use strict';
  const { MESSAGE } = window.WegwijzerShared;
  const body = document.body;
  const lang = document.documentElement.lang;

  function store(key, value) {
    try { localStorage.setItem(key, value); } catch { /* storage blocked: fine */ }
  }
  function read(key) {
    try { return localStorage.getItem(key); } catch { return null; }
  }

  // --- The chosen situation is remembered on this device.
  if (body.dataset.region) store('wegwijzer.region', body.dataset.region);
  const remembered = read('wegwijzer.region');
  document.querySelectorAll('a.choice[data-region]').forEach((link) => {
    if (link.dataset.region !== remembered) return;
    link.dataset.chosen = '';
    link.setAttribute('aria-current', 'true');
  });

  // --- "Prepare these questions" ticks stay on this device (they hold no text).
  document.querySelectorAll('input[data-prepare]').forEach((box) => {
    const key = `wegwijzer.prepare.${box.dataset.prepare}`;
    box.checked = read(key) === '1';
    box.addEventListener('change', () => { store(key, box.checked ? '1' : '0'); });
  });

  // --- Open now / closed, computed on the device in the contact's time zone (works offline).
  // The browser's own zone data (full ICU in every targeted browser) knows Brussels summer time
  // in any year, whatever zone the phone is set to. The page carries the dates the contact is
  // closed (public holidays, its own closing days) for the window the server knew.
  const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']; // en-GB, Monday = 0
  const LOOKAHEAD_DAYS = 400; // past the longest closing a page's calendar (two years) can hold
  const clocks = new Map(); // one formatter per zone, reused every 30 s
  function zonedNow(timezone, now) {
    if (!clocks.has(timezone)) {
      clocks.set(timezone, new Intl.DateTimeFormat('en-GB', {
        timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit',
        weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'
      }));
    }
    const parts = {};
    for (const part of clocks.get(timezone).formatToParts(now)) parts[part.type] = part.value;
    return {
      date: `${parts.year}-${parts.month}-${parts.day}`,
      day: WEEKDAYS.indexOf(parts.weekday),
      minutes: Number(parts.hour) * 60 + Number(parts.minute)
    };
  }
  // A calendar date is handled as noon UTC: adding days or naming it never meets a clock
  // change or the phone's own zone.
  function utcNoon(isoDate) {
    return new Date(`${isoDate}T12:00:00Z`);
  }
  function addDays(isoDate, days) {
    const date = utcNoon(isoDate);
    date.setUTCDate(date.getUTCDate() + days);
    return date.toISOString().slice(0, 10);
  }
  function formatDate(isoDate, locale, options) {
    return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', ...options }).format(utcNoon(isoDate));
  }
  function toMinutes(hhmm) {
    const bits = hhmm.split(':');
    return Number(bits[0]) * 60 + Number(bits[1]);
  }
  function openStatus(data, now) {
    const here = zonedNow(data.timezone, now);
    const closed = data.closed || {};
    // reason: why it is closed today; skipped: a closed date lies before the next opening;
    // unknown: a date looked at lies outside the calendar the page carries.
    const calendar = { reason: closed[here.date], skipped: false, unknown: false };
    const look = (isoDate) => {
      if (data.closed && (isoDate < data.known_from || isoDate > data.known_until)) {
        calendar.unknown = true;
      }
    };
    look(here.date);
    if (!calendar.reason) {
      for (const slot of data.hours) {
        if (slot.days.includes(here.day) &&
            toMinutes(slot.opens) <= here.minutes && here.minutes < toMinutes(slot.closes)) {
          return { open: true, slot: slot, ...calendar };
        }
      }
    }
    for (let d = 0; d <= LOOKAHEAD_DAYS; d++) {
      const date = addDays(here.date, d);
      look(date);
      if (closed[date]) {
        calendar.skipped = true;
        continue;
      }
      const day = (here.day + d) % 7;
      let best = null;
      for (const slot of data.hours) {
        if (!slot.days.includes(day)) continue;
        if (d === 0 && toMinutes(slot.opens) <= here.minutes) continue;
        if (!best || toMinutes(slot.opens) < toMinutes(best.opens)) best = slot;
      }
      if (best) return { open: false, slot: best, inDays: d, day: day, date: date, ...calendar };
    }
    return null;
  }
  // The day as a teacher reads it best: "today", "tomorrow", else the weekday as usual; but the
  // full date ("Monday 28 December") once a closed date was skipped or it is a week or more
  // away, where "Monday" alone reads as the coming Monday, which may be the closed one.
  function openingDay(el, data, status) {
    if (status.inDays === 0) return el.dataset.labelToday;
    if (status.inDays === 1) return el.dataset.labelTomorrow;
    if (status.skipped || status.inDays >= 7) {
      return formatDate(status.date, data.locale, { weekday: 'long', day: 'numeric', month: 'long' });
    }
    return data.day_names[status.day];
  }
  function statusText(el, data, status) {
    if (status.open) return el.dataset.labelOpen.replace('{time}', status.slot.closes_label);
    const label = status.reason ? el.dataset.labelClosedToday : el.dataset.labelClosed;
    return label.replace('{reason}', () => status.reason).replace('{day}', openingDay(el, data, status))
      .replace('{time}', status.slot.opens_label);
  }
  // Outside its calendar the page only knows the weekly hours: it answers from those, and says
  // in a quieter note which holidays and closing days it knows.
  function unknownNote(el, data) {
    const long = { day: 'numeric', month: 'long', year: 'numeric' };
    const note = document.createElement('span');
    note.className = 'open-status-note';
    note.textContent = el.dataset.labelUnknown
      .replace('{first}', formatDate(data.known_from, data.locale, long))
      .replace('{last}', formatDate(data.known_until, data.locale, long));
    return note;
  }
  function renderOpenStatus() {
    document.querySelectorAll('[data-open-status]').forEach((el) => {
      const data = JSON.parse(el.dataset.hours);
      const status = openStatus(data, new Date());
      if (!status) return;
      // The labels have no full stop of their own: one goes in before a note.
      el.textContent = statusText(el, data, status) + (status.unknown ? '. ' : '');
      if (status.unknown) el.append(unknownNote(el, data));
      el.classList.toggle('is-open', status.open);
      el.classList.toggle('is-closed', !status.open);
    });
  }
  renderOpenStatus();
  setInterval(renderOpenStatus, 30000);

  // --- Service worker: offline use, and updates only with the user's consent.
  // Not on the workspace's preview of a draft: a preview must never become a phone's offline
  // copy, nor install or update the app.
  if ('preview' in body.dataset) return;
  if (!('serviceWorker' in navigator)) return;
  let switching = false;

  function offerUpdate(worker) {
    const banner = document.getElementById('update-banner');
    const button = document.getElementById('update-button');
    document.getElementById('update-text').textContent = body.dataset.labelUpdate;
    button.textContent = body.dataset.labelUpdateButton;
    banner.hidden = false;
    button.onclick = () => {
      switching = true;
      button.disabled = true;
      // Another tab may have switched already: then this tab only has to reload.
      if (worker.state === 'activated' || worker.state === 'redundant') window.location.reload();
      else worker.postMessage({ type: MESSAGE.SKIP_WAITING });
    };
  }
  function watch(registration) {
    if (registration.waiting && navigator.serviceWorker.controller) {
      offerUpdate(registration.waiting);
    }
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing;
      worker.addEventListener('statechange', () => {
        // Only an update needs consent; the very first worker has nothing to replace.
        if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
      });
    });
  }
  function askForOfflineCopy() {
    navigator.serviceWorker.ready.then((registration) => {
      const worker = registration.active;
      const channel = new MessageChannel();
      function announce(locale) {
        document.documentElement.dataset.offlineReady = locale;
        document.getElementById('offline-status').textContent = body.dataset.labelOfflineReady;
      }
      channel.port1.onmessage = (event) => {
        if (!event.data.ok) return;
        // Say "ready" once the worker also controls this page (it claims it on this message).
        if (navigator.serviceWorker.controller) return announce(event.data.locale);
        navigator.serviceWorker.addEventListener('controllerchange', () => {
          announce(event.data.locale);
        }, { once: true });
      };
      worker.postMessage({ type: MESSAGE.PRECACHE, locale: lang }, [channel.port2]);
      // Opening the app sends any concern waiting in the outbox (the worker holds that code,
      // so guidance pages stay light).
      worker.postMessage({ type: MESSAGE.SYNC_OUTBOX });
    });
  }

  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (switching) window.location.reload();
  });
  navigator.serviceWorker.register('/sw.js', { scope: '/', updateViaCache: 'none' })
    .then((registration) => {
      watch(registration);
      askForOfflineCopy();
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') registration.update().catch(() => {});
      });
    })
    .catch(() => { /* no service worker (e.g. private mode): the pages still work online */ });

  window.wegwijzer = { openStatus: openStatus };
})();
