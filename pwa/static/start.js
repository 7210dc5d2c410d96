/* Opening the app lands on the situation chosen before (once per visit); ?choose=1 shows the chooser. */
(() => {
  'use strict';
  const regions = (document.currentScript.getAttribute('data-regions') || '').split(' ');
  try {
    const chosen = localStorage.getItem('wegwijzer.region');
    const started = sessionStorage.getItem('wegwijzer.started');
    sessionStorage.setItem('wegwijzer.started', '1');
    // The workspace's preview of a draft (/staff/...) never jumps to a live page.
    if (started || /[?&]choose=/.test(location.search) || location.pathname.startsWith('/staff/')) {
      return;
    }
    if (chosen && regions.indexOf(chosen) !== -1) {
      location.replace(`/${document.documentElement.lang}/${chosen}/`);
    }
  } catch {
    // Storage may be blocked (private mode): the chooser simply stays.
  }
})();
