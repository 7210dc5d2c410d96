"""A staff member changes their own password in the workspace and keeps access (issue #10)."""

import pytest

from pwa.storage import keys, staff
from tests.sealed_helpers import granted, init_keys, sign_in

NEED = "NEED-PW the need of the pupil, sealed"
NEW_PASSWORD = "another long staff password"


@pytest.fixture
def sealed(staff_app, make_concern):
    token = init_keys(staff_app)
    return token, make_concern(need=NEED)


def change(client, current, new, repeat=None):
    return client.post(
        "/staff/password", data={"current": current, "new": new, "repeat": repeat or new}
    )


def test_a_changed_password_keeps_access_to_the_concerns(staff_app, sealed):
    token, receipt = sealed
    client = granted(staff_app, token, "owner@cmp.example")
    other = sign_in(staff_app, "owner@cmp.example")  # another device, signed in too
    response = change(client, "a long staff password", NEW_PASSWORD)
    assert response.status_code == 302 and response.location.endswith("/staff/inbox")
    # This session goes on with its keys; the other device is signed out.
    assert NEED in client.get(f"/staff/concerns/{receipt['id']}").get_data(as_text=True)
    assert other.get("/staff/inbox").location.endswith("/staff/login")
    data_dir = staff_app.config["DATA_DIR"]
    assert staff.check_password(data_dir, "owner@cmp.example", "a long staff password") is None
    assert keys.access_status(data_dir, "owner@cmp.example") == "granted"
    again = sign_in(staff_app, "owner@cmp.example", password=NEW_PASSWORD)
    assert NEED in again.get(f"/staff/concerns/{receipt['id']}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("current", "new", "repeat", "message"),
    [
        ("not my password at all", NEW_PASSWORD, None, "This is not your current password."),
        ("a long staff password", NEW_PASSWORD, NEW_PASSWORD + "x", "are not the same"),
        ("a long staff password", "short", None, "at least 12 characters"),
    ],
)
def test_a_bad_change_says_why_and_changes_nothing(
    staff_app, sealed, current, new, repeat, message
):
    token, _ = sealed
    client = granted(staff_app, token, "owner@cmp.example")
    data_dir = staff_app.config["DATA_DIR"]
    key_file = keys.account_keys(data_dir, "owner@cmp.example")
    response = change(client, current, new, repeat)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert staff.check_password(data_dir, "owner@cmp.example", "a long staff password")
    assert keys.account_keys(data_dir, "owner@cmp.example") == key_file
