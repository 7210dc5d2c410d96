"""A deployed content change reaches the user as an offer to update, never as a silent swap."""

import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

from pwa.guidance import DEFAULT_FILE

from .conftest import WCAG_21_AA, LiveServer, wait_until_offline_ready

OLD = "Bezorgd over een leerling? Volg deze stappen, in deze volgorde."
NEW = "Bezorgd over een leerling? Volg deze zes stappen, in deze volgorde."


@pytest.fixture
def content_copy(tmp_path):
    copy = tmp_path / "guidance.toml"
    shutil.copy(DEFAULT_FILE, copy)
    return copy


def intro(page) -> str:
    return page.locator("main .lead").inner_text()


def test_a_content_change_is_offered_and_switched_only_with_consent(
    tmp_path, content_copy, context
):
    server = LiveServer(tmp_path / "data", WEGWIJZER_CONTENT_FILE=str(content_copy)).start()
    try:
        page = context.new_page()
        page.goto(f"{server.url}/nl/antwerpen/")
        wait_until_offline_ready(page, "nl")
        assert intro(page) == OLD
        server.stop()

        # The deploy: a text changes (not a number), the app comes back on the same address.
        content_copy.write_text(content_copy.read_text().replace(OLD, NEW))
        server = LiveServer(
            tmp_path / "data", port=server.port, WEGWIJZER_CONTENT_FILE=str(content_copy)
        ).start()

        page.reload()
        other = context.new_page()  # a second tab that never agrees
        other.goto(f"{server.url}/nl/contacts/")
        for tab in (page, other):
            banner = tab.locator("#update-banner")
            banner.wait_for(state="visible")
            assert "nieuwe versie" in banner.inner_text()
        assert intro(page) == OLD  # still this deploy's copy: nothing changed under the user
        offer = Axe().run(page, context="#update-banner", options={"runOnly": WCAG_21_AA})
        assert not offer.violations_count, offer.generate_report()
        other.evaluate("() => { window.stillTheSamePage = true; }")

        with page.expect_navigation():
            page.get_by_role("button", name="Nu bijwerken").click()
        page.locator("main .lead").wait_for()
        assert intro(page) == NEW
        assert page.locator("#update-banner").is_hidden()

        # The tab that did not click was not reloaded behind its back, and still shows the offer;
        # when it does agree, it switches to the version the other tab already activated.
        page.wait_for_timeout(300)
        assert other.evaluate("() => window.stillTheSamePage") is True
        assert other.locator("#update-banner").is_visible()
        with other.expect_navigation():
            other.get_by_role("button", name="Nu bijwerken").click()
        other.goto(f"{server.url}/nl/antwerpen/")
        assert intro(other) == NEW
    finally:
        server.stop()
