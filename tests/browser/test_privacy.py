"""The privacy page's tools (issue #8): forget my details, delete everything; offline too."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from pwa.storage.concerns import list_concerns

from .conftest import WCAG_21_AA, LoggedLiveServer, device_concerns, fill_concern
from .conftest import wait_until_offline_ready as offline_ready
from .test_concerns_sync import cached_responses
from .test_remember_me import DEVICE_STORAGE, PUPIL, TEACHER, teacher_fields, write_and_send


@pytest.fixture
def server(tmp_path):
    server = LoggedLiveServer(tmp_path / "data").start()
    yield server
    server.stop()


def test_forget_my_details_on_the_privacy_page_keeps_the_drafts(server, context):
    page = context.new_page()
    page.goto(f"{server.url}/nl/concerns/new")
    fill_concern(page, **TEACHER)
    page.check("#remember-me")
    expect(page.locator("#draft-status")).to_contain_text("Concept bewaard")

    page.goto(f"{server.url}/nl/privacy/")
    expect(page.locator("#remembered-state")).to_have_text("Onthouden")
    expect(page.locator("#count-drafts")).to_have_text("1")
    page.get_by_role("button", name="Mijn gegevens vergeten").click()
    expect(page.locator("#phone-data-status")).to_have_text(
        "Je gegevens worden niet meer onthouden op deze telefoon."
    )
    expect(page.locator("#remembered-state")).to_have_text("Niet onthouden")
    expect(page.locator("#count-drafts")).to_have_text("1")
    page.goto(f"{server.url}/nl/concerns/new")
    expect(page.locator("#remember-me")).not_to_be_checked()
    assert teacher_fields(page) == dict.fromkeys(TEACHER, "")


def test_delete_everything_warns_about_waiting_concerns_and_leaves_the_guidance(server, context):
    page = context.new_page()
    page.goto(f"{server.url}/nl/antwerpen/")  # the app remembers this situation
    offline_ready(page, "nl")
    context.set_offline(True)

    # Offline: one concern waits in the outbox, one draft, the details remembered.
    write_and_send(page, server, remember=True)
    expect(page.locator("#list-waiting .concern")).to_have_count(1)
    page.goto(f"{server.url}/nl/concerns/new")
    page.fill("#field-need", "Nog een concept.")
    expect(page.locator("#draft-status")).to_contain_text("Concept bewaard")

    page.goto(f"{server.url}/nl/privacy/")  # from the offline copy
    expect(page.locator("#count-drafts")).to_have_text("1")
    expect(page.locator("#count-waiting")).to_have_text("1")
    expect(page.locator("#count-receipts")).to_have_text("0")
    expect(page.locator("#remembered-state")).to_have_text("Onthouden")
    assert page.evaluate("localStorage.getItem('wegwijzer.region')") == "antwerpen"

    dialog = page.locator("#erase-dialog")
    page.get_by_role("button", name="Alles op deze telefoon verwijderen").click()
    expect(dialog).to_be_visible()
    warning = dialog.locator("#erase-waiting")
    expect(warning).to_have_text(
        "1 melding wacht nog op verzending. Ze gaat verloren en bereikt het CMP nooit."
    )
    expect(dialog.get_by_role("button", name="Alles bewaren")).to_be_focused()
    results = Axe().run(page, context="#erase-dialog", options={"runOnly": WCAG_21_AA})
    assert not results.violations_count, results.generate_report()

    page.keyboard.press("Escape")  # keeps everything
    expect(dialog).to_be_hidden()
    expect(page.locator("#count-waiting")).to_have_text("1")
    assert len(device_concerns(page)["drafts"]) == 2

    page.get_by_role("button", name="Alles op deze telefoon verwijderen").click()
    dialog.get_by_role("button", name="Alles verwijderen", exact=True).click()
    expect(page.locator("#phone-data-status")).to_have_text(
        "Klaar: alles wat deze app op deze telefoon bewaarde, is verwijderd. "
        "De wegwijzer werkt nog altijd zonder internet."
    )
    for count in ("#count-drafts", "#count-waiting", "#count-receipts"):
        expect(page.locator(count)).to_have_text("0")
    expect(page.locator("#remembered-state")).to_have_text("Niet onthouden")

    device = page.evaluate(DEVICE_STORAGE)
    assert device["local"] == {} and device["session"] == {}
    assert device_concerns(page) == {"drafts": [], "receipts": []}
    assert all(not any(stores.values()) for stores in device["idb"].values())
    # The service worker and the offline guidance are kept, and hold nothing typed.
    assert page.evaluate("navigator.serviceWorker.getRegistration().then((r) => Boolean(r))")
    cached = cached_responses(page)
    assert cached and not any(PUPIL["need"] in body for _url, body in cached)

    # Still offline: the guidance opens; a new form is empty, its box unticked.
    for path, heading in [
        ("antwerpen/", "Antwerpen (Vlaanderen)"),
        ("contacts/", "Alle contacten"),
    ]:
        page.goto(f"{server.url}/nl/{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator('a[href="tel:+3233383266"]').first).to_be_visible()
    page.goto(f"{server.url}/nl/concerns/new")
    expect(page.locator("#remember-me")).not_to_be_checked()
    assert teacher_fields(page) == dict.fromkeys(TEACHER, "")

    # Back online, the deleted concern never reaches the CMP.
    context.set_offline(False)
    page.goto(f"{server.url}/nl/concerns/")
    expect(page.locator("#concern-empty")).to_be_visible()
    page.wait_for_timeout(500)
    assert list_concerns(server.data_dir) == []


def test_with_nothing_waiting_the_dialog_gives_no_count(server, context):
    page = context.new_page()
    page.goto(f"{server.url}/en/privacy/")
    offline_ready(page, "en")
    expect(page.locator("#count-waiting")).to_have_text("0")
    expect(page.locator("#remembered-state")).to_have_text("Not remembered")
    page.get_by_role("button", name="Delete everything on this phone").click()
    expect(page.locator("#erase-dialog")).to_be_visible()
    expect(page.locator("#erase-waiting")).to_be_hidden()
    page.get_by_role("button", name="Delete everything", exact=True).click()
    expect(page.locator("#phone-data-status")).to_contain_text("Done: everything this app kept")
    # No database is left, and looking again makes none (the privacy page only peeks).
    assert page.evaluate("indexedDB.databases()") == []
    page.get_by_role("button", name="Forget my details").click()
    expect(page.locator("#phone-data-status")).to_contain_text("no longer remembered")
    assert page.evaluate("indexedDB.databases()") == []
