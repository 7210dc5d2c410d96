"""Finding your way: the chosen situation is remembered, the language switch keeps the page."""

from .conftest import wait_until_offline_ready


def h1(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def test_the_chosen_situation_is_remembered_and_can_be_changed(live_server, context):
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    assert h1(page) == "Bezorgd over een leerling?"
    page.get_by_role("link", name="Antwerpen (Vlaanderen)").click()
    page.wait_for_url(f"{live_server.url}/nl/antwerpen/")
    page.close()

    # Opening the app again (a new tab is a new visit) lands on that situation.
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/nl/antwerpen/")
    assert h1(page) == "Antwerpen (Vlaanderen)"

    # "Other situation" shows the chooser, with the current choice marked.
    page.get_by_role("link", name="Andere situatie").click()
    page.wait_for_url(f"{live_server.url}/nl/?choose=1")
    assert h1(page) == "Bezorgd over een leerling?"
    current = page.locator("a.choice[aria-current=true]")
    current.wait_for()
    assert current.get_attribute("data-region") == "antwerpen"
    page.locator(".choices").get_by_role("link", name="Nederland").click()
    page.wait_for_url(f"{live_server.url}/nl/nederland/")
    # Within the same visit the chooser stays reachable from every page.
    page.get_by_role("link", name="Situatie kiezen").click()
    page.wait_for_url(f"{live_server.url}/nl/")
    assert h1(page) == "Bezorgd over een leerling?"
    page.close()

    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/nl/nederland/")
    assert h1(page) == "Nederland"


def test_the_language_switch_keeps_the_page(live_server, context):
    page = context.new_page()
    page.goto(f"{live_server.url}/nl/antwerpen/")
    languages = page.get_by_role("navigation", name="Taal")
    assert languages.get_by_role("link", name="Nederlands").get_attribute("aria-current") == "true"

    languages.get_by_role("link", name="Français").click()
    page.wait_for_url(f"{live_server.url}/fr/antwerpen/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert h1(page) == "Anvers (Flandre)"
    assert "Appeler le" in page.locator("#contact-cmp a.call").inner_text()

    page.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()
    page.wait_for_url(f"{live_server.url}/en/antwerpen/")
    assert h1(page) == "Antwerp (Flanders)"
    page.goto(f"{live_server.url}/en/contacts/")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Nederlands").click()
    page.wait_for_url(f"{live_server.url}/nl/contacts/")
    assert h1(page) == "Alle contacten"
    page.close()

    # The app, opened again, starts in the language used last.
    page = context.new_page()
    page.goto(f"{live_server.url}/en/about/")
    wait_until_offline_ready(page, "en")
    page.close()
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/en/antwerpen/")
    assert h1(page) == "Antwerp (Flanders)"
