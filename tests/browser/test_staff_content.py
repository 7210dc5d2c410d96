"""The guidance editor in a real browser on a phone: accessible, and a bad number is refused."""

import datetime as dt

from playwright.sync_api import expect

from pwa import guidance_edits as edits
from pwa.guidance import default_text
from pwa.storage import guidance as store
from pwa.storage import staff

from .conftest import first_sign_in
from .test_staff_walk import assert_accessible

PASSWORD = "een lang wachtwoord voor het CMP"
PHONE = {"width": 390, "height": 844}
LONG_AGO = dt.date(2020, 1, 10)


def sign_in(browser, server, email: str, role: str):
    """A phone-sized page signed in to the workspace, in English (the messages' language)."""
    staff.create_account(server.data_dir, email, PASSWORD, role)
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    first_sign_in(page, server.url, email, PASSWORD, lang="en")
    return context, page


def a_draft_with_an_item_checked_long_ago(server) -> None:
    """So the "Needs checking" list has an entry with its button."""
    text = edits.reverify(
        default_text(), "contact", "antwerpen", "diane-bangels", "old@cmp.example", LONG_AGO
    )
    store.save_draft(server.data_dir, text, 0, "old@cmp.example", None)


def test_an_admin_edits_the_cmp_on_a_phone_and_every_page_is_accessible(live_server, browser):
    a_draft_with_an_item_checked_long_ago(live_server)
    context, page = sign_in(browser, live_server, "admin@cmp.example", "admin")
    page.get_by_role("link", name="Guidance").click()
    expect(page.locator("h1")).to_have_text("Guidance")
    expect(page.locator("#needs-checking")).to_contain_text("Diane Bangels")
    assert_accessible(page)

    page.get_by_role("link", name="Central Reporting Point (CMP)").first.click()
    phone = page.get_by_label("Phone number")
    expect(phone).to_have_value("03 338 32 66")
    assert_accessible(page)

    # A number that is not Belgian is refused next to the field; nothing is saved.
    phone.fill("+31 20 123 4567")
    page.get_by_role("button", name="Save in the draft").click()
    expect(page.locator("#phone-error")).to_have_text("This is not a valid Belgian phone number.")
    expect(phone).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    # Written internationally, it comes back in the local form, in the draft.
    page.get_by_label("Phone number").fill("+32 3 338 32 99")
    page.get_by_role("button", name="Save in the draft").click()
    expect(page.locator(".flash")).to_contain_text("Saved in the draft")
    expect(page.get_by_label("Phone number")).to_have_value("03 338 32 99")

    # Closing days: a bad range shows its error, a good one is listed.
    page.get_by_label("First day closed").fill("2099-12-31")
    page.get_by_label("Last day closed (empty: one day)").fill("2099-12-24")
    page.locator("#reason-nl").fill("Kerstvakantie")
    page.locator("#reason-fr").fill("Vacances de Noël")
    page.locator("#reason-en").fill("Christmas holidays")
    page.get_by_role("button", name="Add closing days").click()
    expect(page.locator("#last-error")).to_contain_text("cannot be before the first")
    page.get_by_label("First day closed").fill("2099-12-24")
    page.get_by_label("Last day closed (empty: one day)").fill("2099-12-31")
    page.get_by_role("button", name="Add closing days").click()
    expect(page.locator(".closing-days")).to_contain_text("24 December 2099 to 31 December 2099")
    assert_accessible(page)

    page.goto(f"{live_server.url}/staff/content/antwerpen/steps/clarification")
    assert_accessible(page)
    context.close()


def test_other_staff_see_the_guidance_read_only(live_server, browser):
    a_draft_with_an_item_checked_long_ago(live_server)
    context, page = sign_in(browser, live_server, "staff@cmp.example", "staff")
    for path in ("", "antwerpen/contacts/cmp", "nederland/steps/war-zone"):
        page.goto(f"{live_server.url}/staff/content/{path}")
        expect(page.locator("#read-only")).to_have_text("Only admins can change the guidance.")
        expect(page.get_by_role("button", name="Save in the draft")).to_have_count(0)
        assert_accessible(page)
    # Every staff member changes their own password (issue #10: they keep their access).
    page.get_by_role("link", name="Change password").click()
    page.get_by_label("Current password").fill("not the password")
    page.get_by_label("New password (at least 12 characters)").fill("a new long password")
    page.get_by_label("New password again").fill("a new long password")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#current-error")).to_have_text("This is not your current password.")
    assert_accessible(page)
    context.close()
