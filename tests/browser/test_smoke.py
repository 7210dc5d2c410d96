"""The first thing a teacher does: open the app on a phone and find the number to call."""

from .conftest import wait_until_offline_ready


def test_first_visit_shows_the_choice_and_the_service_worker_takes_control(live_server, page):
    page.goto(f"{live_server.url}/")
    assert page.url == f"{live_server.url}/nl/"
    assert page.get_by_role("heading", level=1).inner_text() == "Bezorgd over een leerling?"
    page.get_by_role("link", name="Antwerpen (Vlaanderen)").click()
    page.wait_for_url("**/nl/antwerpen/")
    call = page.locator("#contact-cmp a.call")
    assert call.get_attribute("href") == "tel:+3233383266"
    assert "03 338 32 66" in call.inner_text()
    wait_until_offline_ready(page, "nl")
    assert page.evaluate("navigator.serviceWorker.controller !== null")
