"""Every guidance page, every language: accessible, big targets, reflow, no shift, no 3rd party."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import GUIDANCE_PAGES, LANGS, PHONE, WCAG_21_AA, wait_until_offline_ready

# Sum of every layout shift since navigation, as the browser reports it (not only after input).
RECORD_LAYOUT_SHIFTS = """
window.__layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__layoutShift += entry.value;
  }
}).observe({ type: 'layout-shift', buffered: true });
"""

OPEN_STATUS_SHOWN = (
    "() => [...document.querySelectorAll('[data-open-status]')].every((el) => el.innerText)"
)

# Every visible control the user can tap, with the box a tap lands in: a checkbox's box is its
# label (tapping the label ticks it), as browsers and WCAG 2.5.8 count it.
SMALL_TAP_TARGETS = """
() => {
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    const target = (el.matches('input') && el.closest('label')) || el;
    const box = target.getBoundingClientRect();
    const hidden = getComputedStyle(el).visibility === 'hidden';
    if (box.width === 0 || box.height === 0 || box.right <= 0 || hidden) continue;  // skip link
    if (box.width < 44 || box.height < 44) {
      small.push(`${el.tagName} "${(el.textContent || el.name || '').trim().slice(0, 40)}" `
        + `${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}
"""


def all_pages():
    """Every page; ?choose=1 keeps the home page from jumping to the situation chosen before."""
    return [f"/{lang}/{path or '?choose=1'}" for lang in LANGS for path in GUIDANCE_PAGES]


@pytest.fixture
def scheme_context(browser, request):
    context = browser.new_context(
        viewport=PHONE, locale="nl-BE", service_workers="allow", color_scheme=request.param
    )
    yield context
    context.close()


@pytest.mark.parametrize("scheme_context", ["light", "dark"], indirect=True)
def test_axe_finds_no_wcag_21_aa_violation_on_any_page(live_server, scheme_context):
    """Scanned after the page settled: open-now and offline status filled in, as a user sees it."""
    axe = Axe()
    page = scheme_context.new_page()
    problems = {}
    for path in all_pages():
        page.goto(live_server.url + path)
        wait_until_offline_ready(page, path.split("/")[1])
        results = axe.run(page, options={"runOnly": WCAG_21_AA})
        if results.violations_count:
            problems[path] = results.generate_report()
    assert not problems, "\n".join(f"{path}:\n{report}" for path, report in problems.items())


def test_every_control_is_a_big_tap_target_and_no_request_leaves_the_app(live_server, context):
    """Also records every request (the service worker's too): none may go to another origin."""
    elsewhere = []

    def record(request):
        if not request.url.startswith((live_server.url + "/", "data:")):
            elsewhere.append(request.url)

    context.on("request", record)
    page = context.new_page()
    small = {}
    for path in all_pages():
        page.goto(live_server.url + path)
        wait_until_offline_ready(page, path.split("/")[1])
        found = page.evaluate(SMALL_TAP_TARGETS)
        if found:
            small[path] = found
    assert not small
    assert not elsewhere


@pytest.mark.parametrize("width", [320, 195])
def test_no_horizontal_scrolling_at_200_percent_zoom(live_server, browser, width):
    """195 CSS px is a 390 px phone at 200 % zoom; 320 px is WCAG 1.4.10's reflow width."""
    context = browser.new_context(viewport={"width": width, "height": 640}, service_workers="block")
    page = context.new_page()
    too_wide = {}
    for path in all_pages():
        page.goto(live_server.url + path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide[path] = scroll_width
    context.close()
    assert not too_wide


@pytest.mark.parametrize("service_workers", ["block", "allow"])
def test_nothing_shifts_while_the_page_fills_in(live_server, browser, service_workers):
    """Open-now and the offline status are filled in after load: they must not move anything.

    Each page is loaded straight from the network (no service worker), then from the offline
    copy once the language is cached.
    """
    context = browser.new_context(viewport=PHONE, service_workers=service_workers)
    context.add_init_script(RECORD_LAYOUT_SHIFTS)
    page = context.new_page()
    shifts = {}
    for path in all_pages():
        page.goto(live_server.url + path)
        if service_workers == "allow":
            wait_until_offline_ready(page, path.split("/")[1])
        page.wait_for_function(OPEN_STATUS_SHOWN)
        page.wait_for_timeout(100)  # a shift is reported once painted: give it a frame or two
        shift = page.evaluate("window.__layoutShift")
        if shift:
            shifts[path] = shift
    context.close()
    assert not shifts


def test_the_concern_pages_do_not_shift_while_this_phones_concerns_load(live_server, browser):
    """The list is drawn from IndexedDB after load; the storage note and lists move nothing."""
    context = browser.new_context(viewport=PHONE, locale="nl-BE", service_workers="allow")
    context.add_init_script(RECORD_LAYOUT_SHIFTS)
    page = context.new_page()
    shifts = {}
    for path in ["/nl/concerns/", "/nl/concerns/new", "/fr/concerns/"]:
        page.goto(live_server.url + path)
        if path.endswith("concerns/"):
            page.wait_for_selector(".concern-area.is-drawn", state="attached")
        page.wait_for_timeout(300)  # the persistence check and the first sync settle
        if shift := page.evaluate("window.__layoutShift"):
            shifts[path] = shift
    context.close()
    assert not shifts
