/* The teacher's own details, remembered on this phone for their next concern, only if they ask.
 *
 * Which fields may be remembered is the page's to say (data-remember-fields, rendered from
 * pwa/vocabulary.py's REMEMBERED_FIELDS): the "About you" details, never the pupil's or the
 * concern's. Only those keys are ever written, and only while the tick box is ticked.
 */
(() => {
  'use strict';
  const { REMEMBERED_KEY } = window.WegwijzerShared;

  function storage() {
    try {
      return window.localStorage;
    } catch {
      return null; // blocked (some private modes)
    }
  }

  /* The remembered details ({field: value}), or null when nothing is remembered. */
  function load() {
    try {
      const stored = JSON.parse(storage().getItem(REMEMBERED_KEY));
      return stored && typeof stored === 'object' ? stored : null;
    } catch {
      return null;
    }
  }

  /* Keep `names` of `fields` (and nothing else); false when the phone would not store them. */
  function save(fields, names) {
    const kept = {};
    names.forEach((name) => {
      if (typeof fields[name] === 'string') kept[name] = fields[name];
    });
    try {
      storage().setItem(REMEMBERED_KEY, JSON.stringify(kept));
      return true;
    } catch {
      return false;
    }
  }

  function forget() {
    try { storage().removeItem(REMEMBERED_KEY); } catch { /* nothing was stored */ }
  }

  /* The concern form's tick box: shown where the phone can remember, ticked while it does. */
  function forForm(form, fields) {
    const box = form.querySelector('#remember-me');
    const names = (box?.dataset.rememberFields || '').split(/\s+/).filter(Boolean);
    const usable = Boolean(box && names.length && storage());
    if (usable) {
      box.checked = load() !== null;
      (box.closest('[hidden]') || box).hidden = false;
      box.addEventListener('change', () => {
        if (box.checked) keep();
        else forget();
      });
    }

    /* While ticked: remember what the "About you" fields say now. */
    function keep() {
      if (usable && box.checked) save(fields.read(), names);
    }

    /* A new concern starts with the remembered details, in fields still empty. */
    function fill() {
      const stored = usable ? load() : null;
      if (!stored) return;
      const current = fields.read();
      const missing = {};
      names.forEach((name) => {
        if (typeof stored[name] === 'string' && !current[name]) missing[name] = stored[name];
      });
      fields.fill(missing);
    }

    return { box: box, keep: keep, fill: fill };
  }

  window.WegwijzerRemember = { load: load, forget: forget, forForm: forForm };
})();
