"""Offline and installable: after one visit, every page of that language works with no server."""

import pytest

from .conftest import GUIDANCE_PAGES, PHONE, wait_until_offline_ready

# What the user must see on each page: its title, and the numbers it offers to dial.
TITLES = {
    "nl": ["Bezorgd over een leerling?", "Antwerpen (Vlaanderen)", "Nederland", "Alle contacten",
           "Over deze app", "Privacy", "Je CLB-anker"],
    "fr": ["Inquiet pour un élève ?", "Anvers (Flandre)", "Pays-Bas", "Tous les contacts",
           "À propos de cette application", "Vie privée", "Votre personne de contact au CLB"],
    "en": ["Worried about a pupil?", "Antwerp (Flanders)", "The Netherlands", "All contacts",
           "About this app", "Privacy", "Your CLB anchor"],
}  # fmt: skip
CMP = ("tel:+3233383266", "03 338 32 66")
INSPECTORS = ("tel:09001113111", "0900 1113111")
NUMBERS = {"antwerpen/": [CMP], "nederland/": [INSPECTORS], "contacts/": [CMP, INSPECTORS]}


def title(page) -> str:
    # French puts a (narrow) no-break space before "?": compare as the reader sees it.
    text = page.get_by_role("heading", level=1).inner_text()
    return text.replace("\u202f", " ").replace("\xa0", " ")


def assert_page_works(page, lang: str, path: str) -> None:
    assert title(page) == TITLES[lang][GUIDANCE_PAGES.index(path)], path
    assert page.locator('a[href="tel:112"]').first.is_visible(), f"{path}: no 112"
    for tel_uri, shown in NUMBERS.get(path, []):
        link = page.locator(f'a[href="{tel_uri}"]').first
        assert link.is_visible(), f"{path}: no {tel_uri}"
        assert shown in link.inner_text()


def test_the_service_worker_takes_control_on_the_first_visit(live_server, page):
    page.goto(f"{live_server.url}/nl/contacts/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    worker = page.evaluate(
        """navigator.serviceWorker.ready.then((registration) => ({
            scope: registration.scope, script: navigator.serviceWorker.controller.scriptURL }))"""
    )
    assert worker == {"scope": f"{live_server.url}/", "script": f"{live_server.url}/sw.js"}


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_every_page_of_the_language_opens_with_the_server_stopped(live_server, context, lang):
    """One visit to the language's home page; then the app is closed, the server goes away."""
    first = context.new_page()
    first.goto(f"{live_server.url}/{lang}/")
    wait_until_offline_ready(first, lang)
    first.close()
    live_server.stop()  # the browser still thinks it is online: every request fails

    page = context.new_page()
    assert page.evaluate("navigator.onLine") is True
    for path in GUIDANCE_PAGES:  # all but the home page were never opened
        page.goto(f"{live_server.url}/{lang}/{path}")
        assert_page_works(page, lang, path)
        if path == "contacts/":  # the hours, too, are worked out on the device
            assert page.locator("#contact-cmp [data-open-status]").inner_text()
    page.close()

    # The installed app starts at "/": it opens in this language, on the last situation.
    start = context.new_page()
    start.goto(f"{live_server.url}/?source=pwa")
    start.wait_for_url(f"{live_server.url}/{lang}/nederland/")
    assert_page_works(start, lang, "nederland/")


def test_with_no_network_the_app_starts_in_the_language_used_last(live_server, context):
    first = context.new_page()
    first.goto(f"{live_server.url}/fr/")
    wait_until_offline_ready(first, "fr")
    first.goto(f"{live_server.url}/en/antwerpen/")
    wait_until_offline_ready(first, "en")
    first.close()
    context.set_offline(True)

    page = context.new_page()
    assert page.evaluate("navigator.onLine") is False
    page.goto(f"{live_server.url}/?source=pwa")
    page.wait_for_url(f"{live_server.url}/en/antwerpen/")
    assert_page_works(page, "en", "antwerpen/")
    page.goto(f"{live_server.url}/en/contacts/")  # never opened, yet there
    assert_page_works(page, "en", "contacts/")
    page.goto(f"{live_server.url}/fr/nederland/")  # the other language stayed offline too
    assert_page_works(page, "fr", "nederland/")


def test_chromium_finds_the_app_installable(live_server, persistent_context, browser):
    page = persistent_context.pages[0]
    page.goto(f"{live_server.url}/nl/")
    wait_until_offline_ready(page, "nl")
    cdp = persistent_context.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{live_server.url}/manifest.webmanifest"
    assert not manifest["errors"]

    # The same check in a throw-away profile does report something: it really looks.
    incognito = browser.new_context(viewport=PHONE)
    other = incognito.new_page()
    other.goto(f"{live_server.url}/nl/")
    errors = incognito.new_cdp_session(other).send("Page.getInstallabilityErrors")
    incognito.close()
    assert [error["errorId"] for error in errors["installabilityErrors"]] == ["in-incognito"]
