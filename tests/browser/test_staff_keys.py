"""The first admin's way in with sealed concerns, in a real browser (issue #10).

keys init → the admin signs in once and is told plainly there is no access yet → the operator
grants it with the recovery token → the admin signs in again and reads the concern, which the
server's disk holds only sealed.
"""

import json
import time
import uuid

import pyotp
from playwright.sync_api import expect

from pwa.storage import data_format, keys, staff
from tests.samples import valid_concern

from .conftest import PHONE, LiveServer, first_sign_in
from .test_staff_walk import assert_accessible

EMAIL = "admin@cmp.example"
PASSWORD = "a long password for the CMP"
NEED = "KEYS-BROWSER the pupil talks about leaving to fight"


def send_concern(context, url: str) -> str:
    """What the phone's outbox does: a CSRF token, then the concern with its key."""
    api = context.request
    token = api.get(f"{url}/api/csrf").json()["csrf_token"]
    response = api.post(
        f"{url}/api/concerns",
        data=json.dumps(valid_concern(need=NEED)),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": token,
            "Idempotency-Key": str(uuid.uuid4()),
        },
    )
    assert response.status == 201
    return response.json()["reference"]


def sign_in_again(page, url: str, secret: str) -> None:
    """Password, then a code from the next 30-second step (a used code is refused)."""
    time.sleep(30 - time.time() % 30 + 0.5)
    page.goto(f"{url}/staff/login")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("6-digit code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(f"{url}/staff/inbox")


def test_the_first_admin_is_granted_with_the_recovery_token_and_opens_a_concern(tmp_path, browser):
    data_dir = tmp_path / "data"
    # What `flask --app wsgi keys init` does first: the app marks a new folder's format, then
    # the command makes the keys.
    data_format.prepare(data_dir)
    token = keys.init_keys(data_dir)
    server = LiveServer(data_dir).start()
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        reference = send_concern(context, server.url)
        concern_files = list((data_dir / "concerns").glob("*.json"))
        assert concern_files and NEED not in concern_files[0].read_text()

        staff.create_account(data_dir, EMAIL, PASSWORD, "admin")
        page = context.new_page()
        first_sign_in(page, server.url, EMAIL, PASSWORD, lang="en")
        expect(page.locator("main")).to_contain_text("Your account has no access to concerns yet")
        expect(page.locator("main")).to_contain_text(reference)
        assert_accessible(page)

        # The operator, on the server: `flask --app wsgi keys grant admin@cmp.example`.
        keys.grant(data_dir, EMAIL, keys.open_cmp_key_with_recovery(data_dir, token))
        page.get_by_role("button", name="Sign out").click()
        sign_in_again(page, server.url, staff.get_account(data_dir, EMAIL)["totp_secret"])
        expect(page.locator("main")).not_to_contain_text("no access to concerns")
        page.get_by_role("link", name=reference).click()
        expect(page.locator("main")).to_contain_text(NEED)
        assert_accessible(page)
        page.get_by_role("link", name="Staff access").click()
        expect(page.locator("main")).to_contain_text(EMAIL)
        assert_accessible(page)
    finally:
        context.close()
        server.stop()
