"""An admin publishes a new CMP number; a phone that was offline-ready is offered it, accepts,
and then dials the new number with the server gone."""

from playwright.sync_api import expect

from pwa.storage import staff
from tests.content_helpers import NEW_TEL, OLD_TEL, with_cmp_number

from .conftest import PHONE, LiveServer, first_sign_in, wait_until_offline_ready
from .test_staff_walk import assert_accessible

EMAIL = "beheer@cmp.example"
PASSWORD = "een lang wachtwoord voor het CMP"


def cmp_tel(page) -> str:
    return page.locator("#contact-cmp a.call").get_attribute("href")


def import_and_preview(admin, url: str, document: str, tel: str = NEW_TEL) -> None:
    """The admin makes the file the draft, then checks it as a teacher would see it."""
    admin.goto(f"{url}/staff/content/import")
    upload = {"name": "guidance.toml", "mimeType": "application/toml", "buffer": document.encode()}
    admin.get_by_label("Inhoudsbestand (.toml)").set_input_files(files=[upload])
    admin.get_by_role("button", name="Als concept importeren").click()
    expect(admin.locator(".flash")).to_contain_text("Het bestand is nu het concept.")
    expect(admin.locator("#draft-state")).to_contain_text("Niet-gepubliceerde wijzigingen")

    admin.get_by_role("link", name="Bekijken als leerkracht").click()
    admin.get_by_role("link", name="Alle contacten").click()
    expect(admin).to_have_url(f"{url}/staff/content/preview/nl/contacts/")
    expect(admin.locator(".preview-banner")).to_contain_text("niet gepubliceerd")
    assert cmp_tel(admin) == tel
    # The preview never installs the app: no service worker in the admin's browser.
    admin.wait_for_timeout(500)
    assert admin.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0
    admin.get_by_role("link", name="Terug naar de werkruimte").click()


def test_a_published_number_reaches_an_offline_ready_phone(tmp_path, browser, context):
    server = LiveServer(tmp_path / "data").start()
    admin_context = browser.new_context(viewport=PHONE, locale="nl-BE", service_workers="allow")
    try:
        phone = context.new_page()
        phone.goto(f"{server.url}/nl/contacts/")
        wait_until_offline_ready(phone, "nl")
        assert cmp_tel(phone) == OLD_TEL

        staff.create_account(server.data_dir, EMAIL, PASSWORD, "admin")
        admin = admin_context.new_page()
        first_sign_in(admin, server.url, EMAIL, PASSWORD)
        # The admin changes the CMP's number in the editor, previews it, and publishes.
        admin.get_by_role("link", name="Inhoud", exact=True).click()
        admin.get_by_role("link", name="Centraal Meldpunt (CMP)").first.click()
        admin.get_by_label("Telefoonnummer").fill("03 338 32 67")
        admin.get_by_role("button", name="Bewaren in het concept").click()
        expect(admin.locator(".flash")).to_be_visible()
        admin.get_by_role("link", name="Inhoud", exact=True).click()
        admin.get_by_role("link", name="Bekijken als leerkracht").click()
        admin.get_by_role("link", name="Alle contacten").click()
        assert cmp_tel(admin) == NEW_TEL
        admin.get_by_role("link", name="Terug naar de werkruimte").click()
        admin.get_by_role("button", name="Publiceren als versie 1").click()
        expect(admin.locator(".flash")).to_contain_text(
            "Versie 1 is gepubliceerd. Telefoons krijgen ze de volgende keer"
        )

        # The phone opens the app online again: the new version is offered, not forced.
        phone.reload()
        banner = phone.locator("#update-banner")
        banner.wait_for(state="visible")
        assert cmp_tel(phone) == OLD_TEL
        # Not accepted yet and offline again: the old number still says a newer one is waiting.
        context.set_offline(True)
        phone.reload()
        phone.locator("#update-banner").wait_for(state="visible")
        assert cmp_tel(phone) == OLD_TEL
        context.set_offline(False)
        with phone.expect_navigation():
            phone.get_by_role("button", name="Nu bijwerken").click()
        phone.locator("#contact-cmp").wait_for()
        assert cmp_tel(phone) == NEW_TEL
        expect(phone.locator("#contact-cmp .number")).to_have_text("03 338 32 67")
        wait_until_offline_ready(phone, "nl")

        server.stop()
        phone.reload()
        assert cmp_tel(phone) == NEW_TEL
        phone.goto(f"{server.url}/nl/antwerpen/")  # the flow's call button too
        assert phone.locator(".next-call #contact-cmp a.call").get_attribute("href") == NEW_TEL
    finally:
        admin_context.close()
        server.stop()


def test_the_publishing_pages_are_accessible_in_light_and_dark(live_server, browser):
    """The panel, preview, history with changes, rollback and import (with an error)."""
    staff.create_account(live_server.data_dir, EMAIL, PASSWORD, "admin")
    context = browser.new_context(viewport=PHONE, locale="nl-BE")
    try:
        admin = context.new_page()
        first_sign_in(admin, live_server.url, EMAIL, PASSWORD)
        import_and_preview(admin, live_server.url, with_cmp_number('"03 338 32 67"'))
        admin.get_by_role("button", name="Publiceren als versie 1").click()
        second = with_cmp_number('"03 338 32 68"')
        import_and_preview(admin, live_server.url, second, tel="tel:+3233383268")
        admin.locator(".draft-changes summary").click()
        admin.locator(".discard summary").click()
        assert_accessible(admin)
        admin.goto(f"{live_server.url}/staff/content/preview/fr/antwerpen/")
        assert_accessible(admin)
        admin.goto(f"{live_server.url}/staff/content/history")
        expect(admin.locator("#version-1 .changes")).to_contain_text("03 338 32 66")
        assert_accessible(admin)
        admin.get_by_role("link", name="Terugzetten naar de standaardinhoud").click()
        assert_accessible(admin)
        admin.goto(f"{live_server.url}/staff/content/import")
        admin.get_by_role("button", name="Als concept importeren").click()
        expect(admin.locator("#document-error")).to_be_visible()
        assert_accessible(admin)
    finally:
        context.close()
