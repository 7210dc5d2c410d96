"""Pasted chat text on the phone: the field shows what will be stored, and that is what arrives."""

import re

from playwright.sync_api import expect

from pwa.storage.concerns import list_concerns
from tests.test_pasted_text import PASTED_NEED, VISIBLE_NEED

from .conftest import fill_concern


def test_pasted_text_is_shown_as_stored_and_arrives_so(live_server, page):
    page.goto(f"{live_server.url}/nl/concerns/new")
    fill_concern(page, need=PASTED_NEED, reporter_name="\u2068An\u00a0Janssens\u2069")
    page.locator("#field-school").focus()  # leaving a field is when the text is tidied
    expect(page.locator("#field-need")).to_have_value(VISIBLE_NEED)
    expect(page.locator("#field-reporter_name")).to_have_value("An Janssens")
    expect(page.locator(".error-summary, .error:visible")).to_have_count(0)

    page.click(".send-button")
    page.wait_for_url("**/nl/concerns/")
    sent = page.locator("#list-sent .concern")
    expect(sent).to_contain_text(re.compile(r"CMP-\d{4}-\d{4}"), timeout=15_000)
    (stored,) = list_concerns(live_server.data_dir)
    assert stored["fields"]["need"] == VISIBLE_NEED
    assert stored["fields"]["reporter_name"] == "An Janssens"
