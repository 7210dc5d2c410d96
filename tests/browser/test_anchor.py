"""The school's CLB anchor comes first: saved on this phone, one tap from step 1 (issue #8)."""

import json
import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .conftest import PHONE, WCAG_21_AA, device_concerns, wait_until_offline_ready
from .test_guidance_quality import RECORD_LAYOUT_SHIFTS, SMALL_TAP_TARGETS

ANCHOR_KEY = "wegwijzer.clb-anchor"  # pwa/static/shared.js
SAVED = {"name": "Sarah Janssens", "number": "+32470123456", "saved_at": "2026-01-05T09:00:00Z"}


def stored_anchor(page):
    return page.evaluate("key => JSON.parse(localStorage.getItem(key))", ANCHOR_KEY)


def with_saved_anchor(context, anchor=SAVED) -> None:
    """As if the teacher had saved this anchor on the phone before."""
    context.add_init_script(
        f"if (!sessionStorage.getItem('seeded')) {{"
        f"  localStorage.setItem({json.dumps(ANCHOR_KEY)}, {json.dumps(json.dumps(anchor))});"
        f"  sessionStorage.setItem('seeded', '1'); }}"
    )


def fill_anchor(page, name: str, number: str, save: str = "Bewaren op deze telefoon") -> None:
    page.fill("#anchor-name", name)
    page.fill("#anchor-number", number)
    page.get_by_role("button", name=save).click()


def step_1_call(page):
    return page.locator("#step-clb-anchor a.call")


@pytest.mark.parametrize(
    ("typed", "e164", "shown"),
    [
        (" +32 (0)470/12.34.56 ", "+32470123456", "0470 12 34 56"),
        ("0031-20-123 45 67", "+31201234567", "020 123 4567"),
    ],
)
def test_a_messy_number_saved_from_step_1_is_shown_locally_and_dialled_in_e164(
    live_server, context, typed, e164, shown
):
    requests = []
    context.on("request", lambda request: requests.append(f"{request.url} {request.post_data}"))
    page = context.new_page()
    page.goto(f"{live_server.url}/nl/antwerpen/")
    expect(step_1_call(page)).to_have_count(0)
    page.locator("#step-clb-anchor").get_by_role(
        "link", name=re.compile("Bewaar het nummer van je CLB-anker")
    ).click()
    page.wait_for_url(re.compile(r"/nl/anchor/\?back="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Je CLB-anker")

    fill_anchor(page, "Mevr. Sarah Janssens", typed)
    page.wait_for_url(f"{live_server.url}/nl/antwerpen/#step-clb-anchor")
    call = step_1_call(page)
    expect(call).to_have_attribute("href", f"tel:{e164}")
    expect(call).to_have_text(re.compile(rf"Bel Mevr\. Sarah Janssens\s+{shown}$"))
    assert call.locator(".number").inner_text() == shown
    assert stored_anchor(page) | {"saved_at": None} == {
        "name": "Mevr. Sarah Janssens",
        "number": e164,
        "saved_at": None,
    }

    page.goto(f"{live_server.url}/nl/contacts/")
    antwerp = page.locator("section[aria-labelledby=contacts-antwerpen] article.contact")
    assert antwerp.evaluate_all("cards => cards.map((card) => card.id)")[:2] == [
        "contact-my-anchor",
        "contact-cmp",
    ]
    mine = page.locator("#contact-my-anchor")
    expect(mine.get_by_role("heading")).to_have_text("Je CLB-anker")
    expect(mine.locator("a.call")).to_have_attribute("href", f"tel:{e164}")
    expect(mine.locator("a.call .number")).to_have_text(shown)

    # It never left the phone: no request carried the name or the number.
    digits = e164[3:]
    assert not [r for r in requests if "Janssens" in r or digits in re.sub(r"\D", "", r)]


def test_a_wrong_number_is_explained_in_the_pages_language_and_nothing_is_saved(live_server, page):
    page.goto(f"{live_server.url}/nl/anchor/")
    number = page.locator("#anchor-number")
    error = page.locator("#error-anchor-number")
    expect(error).to_be_hidden()

    fill_anchor(page, "Sarah Janssens", "03 338 32 6")
    expect(error).to_have_text(re.compile("^Dit is geen Belgisch vast of gsm-nummer"))
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(number).to_be_focused()
    assert stored_anchor(page) is None
    assert page.url == f"{live_server.url}/nl/anchor/"

    fill_anchor(page, "Sarah Janssens", "06 12345678")  # Dutch, typed without +31
    expect(error).to_contain_text("+31")
    fill_anchor(page, "Sarah Janssens", "+33 1 23 45 67 89")
    expect(error).to_contain_text("Alleen een Belgisch (+32) of Nederlands (+31) nummer")
    fill_anchor(page, "   ", "0470 12 34 56")
    expect(page.locator("#error-anchor-name")).to_have_text("Vul de naam van het CLB-anker in.")
    expect(error).to_be_hidden()
    expect(page.locator("#anchor-name")).to_be_focused()
    assert stored_anchor(page) is None

    page.goto(f"{live_server.url}/fr/anchor/")
    fill_anchor(page, "Sarah Janssens", "zéro quatre", save="Enregistrer sur ce téléphone")
    expect(page.locator("#error-anchor-number")).to_have_text(
        re.compile("^Tapez uniquement le numéro")
    )
    fill_anchor(page, "Sarah Janssens", "0470 12 34", save="Enregistrer sur ce téléphone")
    expect(page.locator("#error-anchor-number")).to_contain_text("Ce n'est pas un numéro belge")
    assert stored_anchor(page) is None

    # Corrected: saved, and shown back on the page (no page to return to).
    fill_anchor(page, "Sarah Janssens", "0470 12 34 56", save="Enregistrer sur ce téléphone")
    expect(page.locator("#anchor-status")).to_have_text("Enregistré sur ce téléphone.")
    expect(page.locator("#anchor-saved-title")).to_be_focused()
    expect(page.locator("#anchor-saved a.call")).to_have_attribute("href", "tel:+32470123456")
    expect(page.locator("#anchor-form")).to_be_hidden()
    assert stored_anchor(page)["number"] == "+32470123456"


def test_the_anchor_can_be_changed_and_removing_it_asks_first(live_server, page):
    page.goto(f"{live_server.url}/nl/anchor/")
    fill_anchor(page, "Sarah Janssens", "0470 12 34 56")
    saved = page.locator("#anchor-saved")
    expect(saved).to_contain_text("Sarah Janssens")

    saved.get_by_role("button", name="Wijzigen").click()
    expect(page.locator("#anchor-name")).to_be_focused()
    expect(page.locator("#anchor-name")).to_have_value("Sarah Janssens")
    expect(page.locator("#anchor-number")).to_have_value("0470 12 34 56")
    page.get_by_role("button", name="Annuleren").click()
    expect(saved.locator("a.call")).to_have_attribute("href", "tel:+32470123456")

    saved.get_by_role("button", name="Wijzigen").click()
    fill_anchor(page, "Tom Peeters (CLB)", "014/41.23.45")
    expect(saved).to_contain_text("Tom Peeters (CLB)")
    expect(saved.locator("a.call")).to_have_attribute("href", "tel:+3214412345")
    expect(saved.locator("a.call .number")).to_have_text("014 41 23 45")
    assert stored_anchor(page)["number"] == "+3214412345"

    dialog = page.get_by_role("dialog", name="Je CLB-anker van deze telefoon verwijderen?")
    remove = saved.get_by_role("button", name="Verwijderen")
    remove.click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Bewaren")).to_be_focused()
    dialog.get_by_role("button", name="Bewaren").click()
    expect(dialog).to_be_hidden()
    expect(remove).to_be_focused()
    remove.click()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert stored_anchor(page)["name"] == "Tom Peeters (CLB)"

    remove.click()
    dialog.get_by_role("button", name="Verwijderen").click()
    expect(saved).to_be_hidden()
    expect(page.locator("#anchor-status")).to_have_text("Verwijderd van deze telefoon.")
    expect(page.locator("#anchor-name")).to_have_value("")
    assert stored_anchor(page) is None

    page.goto(f"{live_server.url}/nl/antwerpen/")
    expect(step_1_call(page)).to_have_count(0)
    expect(page.locator("#step-clb-anchor .anchor-offer")).to_be_visible()


def test_step_1_with_the_anchor_comes_before_the_cmp_marked_as_the_next_call(live_server, context):
    with_saved_anchor(context)
    page = context.new_page()
    page.goto(f"{live_server.url}/nl/antwerpen/")
    expect(step_1_call(page)).to_have_attribute("href", "tel:+32470123456")
    next_call = page.locator("section.next-call")
    expect(next_call.get_by_role("heading", level=2)).to_have_text("Het volgende telefoontje")
    in_order = [
        "#step-clb-anchor h2",
        "#step-clb-anchor a.call",
        "#next-call-title",
        "#contact-cmp a.call",
        ".write-down-link",
        "#step-information-consult h2",
    ]
    tops = [page.locator(selector).bounding_box()["y"] for selector in in_order]
    assert tops == sorted(tops), dict(zip(in_order, tops, strict=True))
    # Nothing about the CMP stands above step 1 any more.
    assert page.evaluate(
        """() => document.querySelector('#step-clb-anchor')
             .compareDocumentPosition(document.querySelector('#contact-cmp'))
             === Node.DOCUMENT_POSITION_FOLLOWING"""
    )


def test_the_concern_form_reminds_of_step_1_until_the_box_is_ticked(live_server, context):
    page = context.new_page()
    page.goto(f"{live_server.url}/nl/concerns/new")
    names = page.locator("#concern-form [name]:not([type=hidden])").evaluate_all(
        "els => [...new Set(els.map((el) => el.name))]"
    )
    assert names[:3] == ["kind", "clb_informed", "school"]
    reminder = page.locator("#anchor-reminder")
    expect(reminder).to_be_visible()
    expect(reminder).to_contain_text("Nog niet? Bel dan eerst je CLB-anker")

    # No anchor yet: the reminder offers to save one, and comes back to this very draft.
    page.fill("#field-need", "Half getypt")
    expect(page.locator("#draft-status")).to_contain_text("Concept bewaard")
    reminder.get_by_role("link", name=re.compile("Bewaar het nummer")).click()
    page.wait_for_url(re.compile(r"/nl/anchor/\?back="))
    fill_anchor(page, "Sarah Janssens", "0470 12 34 56")
    page.wait_for_url(re.compile(r"/nl/concerns/new\?draft=[0-9a-f-]+#anchor-reminder$"))
    expect(page.locator("#field-need")).to_have_value("Half getypt")
    call = reminder.locator("a.call")
    expect(call).to_have_attribute("href", "tel:+32470123456")
    expect(call).to_contain_text("Bel Sarah Janssens")

    page.check("#field-clb_informed")
    expect(reminder).to_be_hidden()
    page.uncheck("#field-clb_informed")
    expect(reminder).to_be_visible()
    page.check("#field-clb_informed")
    deadline = time.monotonic() + 10  # the status said "saved" already: ask the device
    while [d["fields"]["clb_informed"] for d in device_concerns(page)["drafts"]] != [True]:
        assert time.monotonic() < deadline, device_concerns(page)
        page.wait_for_timeout(100)
    page.reload()  # the draft comes back ticked: no reminder
    expect(page.locator("#field-clb_informed")).to_be_checked()
    expect(reminder).to_be_hidden()


def use_the_anchor(page, url: str) -> None:
    """Save an anchor from step 1, and find it on the flow, the contacts page and the form."""
    page.goto(f"{url}/nl/antwerpen/")
    page.locator("#step-clb-anchor .anchor-offer").click()
    page.wait_for_url(re.compile(r"/nl/anchor/\?back="))
    fill_anchor(page, "Sarah Janssens", "0470.12.34.56")
    page.wait_for_url(f"{url}/nl/antwerpen/#step-clb-anchor")
    expect(step_1_call(page)).to_have_attribute("href", "tel:+32470123456")
    page.goto(f"{url}/nl/contacts/")
    expect(page.locator("#contact-my-anchor a.call")).to_have_attribute("href", "tel:+32470123456")
    page.goto(f"{url}/nl/concerns/new")
    expect(page.locator("#anchor-reminder a.call")).to_have_attribute("href", "tel:+32470123456")

    page.goto(f"{url}/nl/anchor/")
    page.locator("#anchor-saved").get_by_role("button", name="Verwijderen").click()
    page.get_by_role("dialog").get_by_role("button", name="Verwijderen").click()
    expect(page.locator("#anchor-form")).to_be_visible()
    page.goto(f"{url}/nl/antwerpen/")
    expect(page.locator("#step-clb-anchor .anchor-offer")).to_be_visible()
    assert stored_anchor(page) is None


@pytest.mark.parametrize("cut", ["no network", "server stopped"])
def test_saving_and_calling_the_anchor_works_offline_after_one_visit(live_server, context, cut):
    first = context.new_page()
    first.goto(f"{live_server.url}/nl/")
    wait_until_offline_ready(first, "nl")
    first.close()
    if cut == "no network":
        context.set_offline(True)
    else:
        live_server.stop()

    page = context.new_page()
    assert page.evaluate("navigator.onLine") is (cut != "no network")
    use_the_anchor(page, live_server.url)


def test_without_javascript_step_1_is_text_and_nothing_breaks(live_server, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/nl/antwerpen/")
    step_1 = page.locator("#step-clb-anchor")
    expect(step_1).to_contain_text("Contacteer dan eerst het CLB-anker van de school.")
    expect(step_1.locator("[data-anchor-slot]")).to_be_hidden()
    expect(page.locator("#contact-cmp a.call")).to_be_visible()

    page.goto(f"{live_server.url}/nl/contacts/")
    expect(page.locator("#contact-my-anchor")).to_be_hidden()
    expect(page.locator("#contact-cmp a.call")).to_be_visible()

    page.goto(f"{live_server.url}/nl/anchor/")
    note = page.locator("main noscript .storage-note")  # Playwright's text search skips noscript
    expect(note).to_be_visible()
    expect(note).to_have_text(re.compile("^Om het anker op deze telefoon te bewaren is JavaScript"))
    for control in ("#anchor-name", "#anchor-number", "#anchor-form [type=submit]"):
        expect(page.locator(control)).to_be_disabled()  # nothing can be saved, or sent

    page.goto(f"{live_server.url}/nl/concerns/new")
    expect(page.locator("#anchor-reminder")).to_contain_text("Nog niet?")
    expect(page.locator("#anchor-reminder [data-anchor-slot]")).to_be_hidden()
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_anchor_pages_are_accessible_with_an_anchor_saved(live_server, browser, scheme):
    context = browser.new_context(viewport=PHONE, color_scheme=scheme, service_workers="block")
    with_saved_anchor(context)
    page = context.new_page()
    axe = Axe()
    problems = {}

    def check(name):
        results = axe.run(page, options={"runOnly": WCAG_21_AA})
        if results.violations_count:
            problems[name] = results.generate_report()

    for path in ["/nl/antwerpen/", "/fr/contacts/", "/en/anchor/", "/nl/concerns/new"]:
        page.goto(live_server.url + path)
        expect(page.locator("a.call[href='tel:+32470123456']").first).to_be_visible()
        check(path)
        assert page.evaluate(SMALL_TAP_TARGETS) == [], path
    page.goto(f"{live_server.url}/fr/anchor/")
    page.get_by_role("button", name="Modifier").click()
    page.fill("#anchor-number", "03 338 32 6")
    page.get_by_role("button", name="Enregistrer sur ce téléphone").click()
    expect(page.locator("#error-anchor-number")).to_be_visible()
    check("/fr/anchor/ with an error")
    page.get_by_role("button", name="Annuler").click()
    page.get_by_role("button", name="Supprimer").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    check("/fr/anchor/ asking to remove")
    context.close()
    assert not problems, "\n".join(f"{name}:\n{report}" for name, report in problems.items())


def test_nothing_shifts_when_the_saved_anchor_is_filled_in(live_server, browser):
    """The page is drawn with the offer first (anchor.js held back), then the saved anchor."""

    def late(route):
        time.sleep(0.3)
        route.continue_()

    context = browser.new_context(viewport=PHONE, service_workers="block")
    with_saved_anchor(context)
    context.add_init_script(RECORD_LAYOUT_SHIFTS)
    context.route(re.compile(r"/static/anchor\.js"), late)
    page = context.new_page()
    shifts = {}
    for lang in ("nl", "fr", "en"):
        for path in ("antwerpen/", "contacts/", "concerns/new"):
            page.goto(f"{live_server.url}/{lang}/{path}")
            expect(page.locator("[data-anchor-slot][data-state=saved]")).to_have_count(1)
            page.wait_for_timeout(300)
            if shift := page.evaluate("window.__layoutShift"):
                shifts[f"{lang}/{path}"] = shift
    context.close()
    assert not shifts


@pytest.mark.parametrize("width", [320, 195])
def test_the_saved_anchor_reflows_at_200_percent_zoom(live_server, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 640}, service_workers="block")
    with_saved_anchor(context, SAVED | {"name": "Mevrouw Sarah Janssens-Vandenberghe"})
    page = context.new_page()
    too_wide = {}
    for path in ["/fr/antwerpen/", "/fr/contacts/", "/fr/anchor/", "/fr/concerns/new"]:
        page.goto(live_server.url + path)
        expect(page.locator("a.call[href='tel:+32470123456']").first).to_be_visible()
        if (scroll_width := page.evaluate("document.documentElement.scrollWidth")) > width:
            too_wide[path] = scroll_width
    context.close()
    assert not too_wide
