"""Admins grant and revoke access to the sealed concerns in the workspace (Staff access)."""

import pytest

from pwa.storage import audit, keys, staff
from tests.sealed_helpers import granted, init_keys, sign_in

NEED = "NEED-A9 the pupil"
# The button says "Grant access"; the account is named to screen readers in the same button.
GRANT_NEW = 'Grant access<span class="visually-hidden"> (new@cmp.example)'


@pytest.fixture
def deployment(staff_app, make_concern):
    token = init_keys(staff_app)
    receipt = make_concern(need=NEED)
    admin = granted(staff_app, token, "admin@cmp.example", role="admin")
    return admin, receipt


def test_an_admin_grants_a_new_colleague_who_then_opens_concerns(staff_app, deployment):
    admin, receipt = deployment
    data_dir = staff_app.config["DATA_DIR"]
    staff.create_account(data_dir, "new@cmp.example", "a long staff password", "staff")
    page = admin.get("/staff/access").get_data(as_text=True)
    assert "Must sign in once" in page and GRANT_NEW not in page
    colleague = sign_in(staff_app, "new@cmp.example")
    assert NEED not in colleague.get(f"/staff/concerns/{receipt['id']}").get_data(as_text=True)
    page = admin.get("/staff/access").get_data(as_text=True)
    assert "No access: not granted" in page and GRANT_NEW in page
    response = admin.post("/staff/access/grant", data={"email": "new@cmp.example"})
    assert response.status_code == 302
    assert keys.access_status(data_dir, "new@cmp.example") == "granted"
    entry = audit.read_entries(data_dir)[0]
    assert (entry["action"], entry["who"], entry["detail"]) == (
        "keys-grant",
        "admin@cmp.example",
        "new@cmp.example",
    )
    assert "keys-grant: new@cmp.example" in admin.get("/staff/audit").get_data(as_text=True)
    again = sign_in(staff_app, "new@cmp.example")
    assert NEED in again.get(f"/staff/concerns/{receipt['id']}").get_data(as_text=True)


def test_revoke_ends_the_colleagues_sessions_and_access(staff_app, deployment):
    admin, receipt = deployment
    data_dir = staff_app.config["DATA_DIR"]
    token_free = sign_in(staff_app, "c@cmp.example")
    admin.post("/staff/access/grant", data={"email": "c@cmp.example"})
    colleague = sign_in(staff_app, "c@cmp.example")
    assert NEED in colleague.get(f"/staff/concerns/{receipt['id']}").get_data(as_text=True)
    admin.post("/staff/access/revoke", data={"email": "c@cmp.example"})
    assert keys.access_status(data_dir, "c@cmp.example") == "not-granted"
    assert colleague.get("/staff/inbox").status_code == 302  # signed out
    assert token_free.get("/staff/inbox").status_code == 302
    assert audit.read_entries(data_dir)[0]["action"] == "keys-revoke"


def test_only_admins_and_only_with_access_of_their_own(staff_app, deployment):
    admin, _ = deployment
    data_dir = staff_app.config["DATA_DIR"]
    worker = sign_in(staff_app, "w@cmp.example")
    assert worker.get("/staff/access").status_code == 403
    assert worker.post("/staff/access/grant", data={"email": "w@cmp.example"}).status_code == 403
    other_admin = sign_in(staff_app, "a2@cmp.example", role="admin")
    page = other_admin.get("/staff/access").get_data(as_text=True)
    assert "Your account has no access to concerns yet" in page
    other_admin.post("/staff/access/grant", data={"email": "w@cmp.example"})
    assert keys.access_status(data_dir, "w@cmp.example") == "not-granted"
    assert admin.post("/staff/access/grant", data={"email": "nobody@x.example"}).status_code == 404


def test_an_admin_cannot_revoke_their_own_access(staff_app, deployment):
    admin, _ = deployment
    page = admin.get("/staff/access").get_data(as_text=True)
    assert "admin@cmp.example (you)" in page and "(admin@cmp.example)</span>" not in page
    response = admin.post("/staff/access/revoke", data={"email": "admin@cmp.example"})
    assert response.status_code == 302
    data_dir = staff_app.config["DATA_DIR"]
    assert keys.access_status(data_dir, "admin@cmp.example") == "granted"
    assert "ask another admin" in admin.get("/staff/access").get_data(as_text=True)
