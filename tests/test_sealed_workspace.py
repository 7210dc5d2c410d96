"""The workspace opens sealed concerns in the signed-in session, and only there (issue #10)."""

import datetime as dt
from pathlib import Path

import pytest
from flask import json

from pwa.storage import concerns, keys, staff
from tests.sealed_helpers import concern_file, granted, init_keys, sign_in, stored
from tests.test_staff_inbox import walk_to

NEED = "NEED-W3 worries about the pupil"
NO_ACCESS = "Your account has no access to concerns yet"


@pytest.fixture
def sealed(staff_app, make_concern):
    """Keys made, then one urgent concern (so it is sealed at intake); (token, receipt)."""
    token = init_keys(staff_app)
    return token, make_concern(need=NEED, urgent=True, school="Atheneum Wilrijk")


def test_an_account_without_access_sees_the_clear_parts_and_why(staff_app, sealed):
    _, receipt = sealed
    client = sign_in(staff_app, "new@cmp.example")
    inbox = client.get("/staff/inbox").get_data(as_text=True)
    assert NO_ACCESS in inbox and "Staff access" in inbox and "keys grant EMAIL" in inbox
    assert receipt["reference"] in inbox and "Atheneum Wilrijk" in inbox
    assert "badge urgent" not in inbox  # sealed: no session here opens it
    page = client.get(f"/staff/concerns/{receipt['id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and NO_ACCESS in html and "Atheneum Wilrijk" in html
    assert NEED not in html
    before = concern_file(staff_app, receipt["id"])
    response = client.post(f"/staff/concerns/{receipt['id']}/note", data={"text": "a note"})
    assert response.status_code == 302 and concern_file(staff_app, receipt["id"]) == before


def test_a_granted_account_works_a_concern_and_nothing_lands_plain(staff_app, sealed):
    _, receipt = sealed
    token = sealed[0]
    client = granted(staff_app, token, "worker@cmp.example")
    inbox = client.get("/staff/inbox").get_data(as_text=True)
    assert NO_ACCESS not in inbox and "badge urgent" in inbox
    assert NEED in client.get(f"/staff/concerns/{receipt['id']}").get_data(as_text=True)
    client.post(f"/staff/concerns/{receipt['id']}/note", data={"text": "NOTE-W3 internal"})
    walk_to(client, receipt["id"], "closed", agreement="AGREE-W3 trajectory", note="STEP-W3")
    record = stored(staff_app, receipt["id"])
    assert record["status"] == "closed"
    on_disk = concern_file(staff_app, receipt["id"])
    for text in (NEED, "NOTE-W3", "AGREE-W3", "STEP-W3", "Remarks in class"):
        assert text not in on_disk, text
    page = client.get(f"/staff/concerns/{receipt['id']}").get_data(as_text=True)
    export = client.get(f"/staff/concerns/{receipt['id']}/export").get_data(as_text=True)
    for html in (page, export):
        for text in (NEED, "NOTE-W3 internal", "AGREE-W3 trajectory", "STEP-W3"):
            assert text in html, text
    # The server cannot open the agreement: no phone key here, so the receipt has none.
    data_dir = staff_app.config["DATA_DIR"]
    receipt_view = concerns.get_receipt(
        data_dir, receipt["reference"], receipt["receipt_token"], staff_app.config["SECRET_KEY"]
    )
    assert receipt_view["status"] == "closed" and receipt_view["follow_up"] is None


def test_the_session_key_is_in_the_cookie_only_and_sign_out_leaves_nothing(staff_app, sealed):
    token, _ = sealed
    client = granted(staff_app, token, "s@cmp.example")
    data_dir = staff_app.config["DATA_DIR"]
    account = staff.get_account(data_dir, "s@cmp.example")
    with client.session_transaction() as session:
        session_key, sid = session["staff"]["k"], session["staff"]["sid"]
    # (The first sign-in, before the grant, opened no keys: its session holds none.)
    assert list(account["session_keys"]) == [sid] and sid in account["sessions"]
    # The cookie's key is nowhere on the server's disk.
    for path in (staff_app.config["DATA_DIR"], staff_app.instance_path):
        for file in Path(path).rglob("*"):
            if file.is_file():
                assert session_key.encode() not in file.read_bytes(), file
    client.post("/staff/logout")
    account = staff.get_account(data_dir, "s@cmp.example")
    assert sid not in account["sessions"] and sid not in account["session_keys"]


def test_idle_expiry_removes_the_sessions_keys(staff_app, sealed):
    token, _ = sealed
    client = granted(staff_app, token, "idle@cmp.example")
    with client.session_transaction() as session:
        state = session["staff"]
        state["seen"] -= dt.timedelta(minutes=31).total_seconds()
        session["staff"] = state
    assert client.get("/staff/inbox").status_code == 302
    account = staff.get_account(staff_app.config["DATA_DIR"], "idle@cmp.example")
    assert account["session_keys"] == {}  # the first sign-in, before the grant, held none


def test_a_revoked_account_is_signed_out_and_has_no_access_next_time(staff_app, sealed):
    token, receipt = sealed
    client = granted(staff_app, token, "gone@cmp.example")
    keys.revoke(staff_app.config["DATA_DIR"], "gone@cmp.example")
    assert client.get("/staff/inbox").status_code == 302
    again = sign_in(staff_app, "gone@cmp.example")
    assert NEED not in again.get(f"/staff/concerns/{receipt['id']}").get_data(as_text=True)


def test_a_tampered_concern_shows_a_clear_message_never_a_500(staff_app, sealed):
    token, receipt = sealed
    client = granted(staff_app, token, "t@cmp.example")

    def tamper(record):
        text = record["sealed"]
        record["sealed"] = text[:-6] + ("A" if text[-6] != "A" else "B") + text[-5:]

    concerns.update_concern(staff_app.config["DATA_DIR"], receipt["id"], tamper)
    page = client.get(f"/staff/concerns/{receipt['id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "cannot be opened" in html and NEED not in html
    inbox = client.get("/staff/inbox")
    assert inbox.status_code == 200 and receipt["reference"] in inbox.get_data(as_text=True)
    response = client.post(f"/staff/concerns/{receipt['id']}/step", data={"advance": "1"})
    assert response.status_code == 302 and stored(staff_app, receipt["id"])["status"] == "received"


def test_the_api_receipt_never_carries_sealed_text(staff_app, sealed):
    token, receipt = sealed
    worker = granted(staff_app, token, "r@cmp.example")
    walk_to(worker, receipt["id"], "closed", agreement="AGREE-R1 plan")
    answer = staff_app.test_client().get(
        f"/api/receipts/{receipt['reference']}",
        headers={"X-Receipt-Token": receipt["receipt_token"]},
    )
    assert answer.status_code == 200
    assert "sealed:v1" not in json.dumps(answer.get_json())
