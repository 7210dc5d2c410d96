"""Keeping the guidance's facts current: re-verify an item, the "Needs checking" list, closing days.

The app's clock (CLOCK) is set to a fixed moment, so "today" and "months ago" are known.
"""

import datetime as dt
import re
import tomllib

import pytest

from pwa import create_app
from pwa.guidance import default_text
from pwa.storage import audit
from tests.editing import (
    CMP_PAGE,
    audit_log_text,
    draft_bytes,
    draft_text,
    in_english,
    sign_in_at,
)

# The defaults were all checked on 2026-11-29.
TODAY = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
CLOSING = f"{CMP_PAGE}/closing-days"


@pytest.fixture
def admin(staff_app):
    return in_english(sign_in_at(staff_app, "admin", "admin@cmp.example", TODAY))


def needs_checking(client) -> str:
    """The text of the overview's "Needs checking" section."""
    page = client.get("/staff/content/").get_data(as_text=True)
    return re.search(r'<section id="needs-checking".*?</section>', page, re.S)[0]


def test_re_verifying_changes_only_the_date_and_the_admin(staff_app, admin):
    response = admin.post(
        "/staff/content/verify",
        data={"kind": "contact", "region": "antwerpen", "item": "cmp", "back": "item"},
    )
    assert response.status_code == 302 and response.location.endswith(CMP_PAGE)
    assert "Marked as checked today" in admin.get(CMP_PAGE).get_data(as_text=True)
    before, after = tomllib.loads(default_text()), tomllib.loads(draft_text(staff_app))
    contact = after["regions"][0]["contacts"][0]
    assert contact["verified_on"] == dt.date(2026, 12, 1)
    assert contact["verified_by"] == "admin@cmp.example"
    assert contact["source"] == "seed-antwerpen"  # unchanged: nothing was edited
    del contact["verified_by"]
    contact["verified_on"] = dt.date(2026, 11, 29)
    assert after == before
    entry = audit.read_entries(staff_app.config["DATA_DIR"])[0]
    assert (entry["action"], entry["detail"]) == ("content-verify", "contact antwerpen/cmp")


def test_re_verifying_twice_on_one_day_writes_once(staff_app, admin):
    data = {"kind": "step", "region": "nederland", "item": "school"}
    admin.post("/staff/content/verify", data=data)
    first = draft_bytes(staff_app)
    response = admin.post("/staff/content/verify", data=data, follow_redirects=True)
    assert "already marked it as checked today" in response.get_data(as_text=True)
    assert draft_bytes(staff_app) == first


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "contact", "region": "antwerpen", "item": "nobody"},
        {"kind": "step", "region": "atlantis", "item": "school"},
    ],
)
def test_re_verifying_an_unknown_item_is_not_found(staff_app, admin, data):
    assert admin.post("/staff/content/verify", data=data).status_code == 404
    assert admin.post("/staff/content/verify", data={"kind": "poem"}).status_code == 400
    assert draft_bytes(staff_app) is None


def test_items_older_than_verify_months_need_checking_until_re_verified(staff_app):
    # A year and a bit after the defaults were checked on 29 November 2026.
    later = dt.datetime(2027, 12, 15, 9, 0, tzinfo=dt.UTC)
    admin = in_english(sign_in_at(staff_app, "admin", "late@cmp.example", later))
    stale = needs_checking(admin)
    assert "Not checked for more than 12 months" in stale
    assert "Central Reporting Point (CMP)" in stale and "Acute danger? Call 112" in stale
    assert "Last checked on 29 November 2026" in stale
    assert stale.count("Still correct: mark as checked today") == stale.count("<li>")
    response = admin.post(
        "/staff/content/verify",
        data={"kind": "contact", "region": "antwerpen", "item": "cmp", "back": "stale"},
    )
    assert response.location.endswith("/staff/content/#needs-checking")
    stale = needs_checking(admin)
    assert "Central Reporting Point (CMP)" not in stale
    assert "Noëmie Goris" in stale


def test_twelve_months_to_the_day_is_not_yet_stale(staff_app):
    admin = in_english(
        sign_in_at(staff_app, "admin", "a@cmp.example", dt.datetime(2027, 11, 29, 9, tzinfo=dt.UTC))
    )
    assert "Every item was checked in the last 12 months." in needs_checking(admin)


def test_verify_months_is_a_setting(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "DATA_DIR": str(tmp_path / "data"),
            "WTF_CSRF_ENABLED": False,
            "VERIFY_MONTHS": 1,
        }
    )
    moment = dt.datetime(2027, 1, 5, tzinfo=dt.UTC)
    admin = in_english(sign_in_at(app, "admin", "a@cmp.example", moment))
    assert "Not checked for more than 1 month:" in needs_checking(admin)


@pytest.mark.parametrize("months", [0, -3, "twelve", True, 1.5])
def test_a_wrong_verify_months_stops_the_start(tmp_path, months):
    with pytest.raises(ValueError, match="WEGWIJZER_VERIFY_MONTHS"):
        create_app({"TESTING": True, "DATA_DIR": str(tmp_path), "VERIFY_MONTHS": months})


def test_verify_months_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WEGWIJZER_VERIFY_MONTHS", "6")
    monkeypatch.setenv("WEGWIJZER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WEGWIJZER_SECRET_KEY", "t")
    assert create_app().config["VERIFY_MONTHS"] == 6


# ---------------------------------------------------------------- closing days

REASON = {"reason-nl": "Kerstvakantie", "reason-fr": "Vacances de Noël", "reason-en": "Christmas"}


def test_closing_days_are_added_listed_and_removed(staff_app, admin):
    response = admin.post(CLOSING, data={"first": "2026-12-24", "last": "2026-12-31", **REASON})
    assert response.status_code == 302 and response.location.endswith("#closing-days")
    admin.post(CLOSING, data={"first": "2026-12-05", **REASON, "reason-en": "Staff day"})
    contact = tomllib.loads(draft_text(staff_app))["regions"][0]["contacts"][0]
    assert contact["closing_days"] == [
        {"first": dt.date(2026, 12, 5), "reason": {**_reason(), "en": "Staff day"}},
        {"first": dt.date(2026, 12, 24), "last": dt.date(2026, 12, 31), "reason": _reason()},
    ]
    assert contact["source"] == "seed-antwerpen"  # the weekly facts were not re-checked
    page = admin.get(CMP_PAGE).get_data(as_text=True)
    assert "24 December 2026 to 31 December 2026" in page and "Christmas" in page
    assert "5 December 2026" in page
    overview = admin.get("/staff/content/").get_data(as_text=True)
    assert "24 December 2026 to 31 December 2026" in overview

    admin.post(f"{CLOSING}/remove", data={"first": "2026-12-05"})
    contact = tomllib.loads(draft_text(staff_app))["regions"][0]["contacts"][0]
    assert [day["first"] for day in contact["closing_days"]] == [dt.date(2026, 12, 24)]
    response = admin.post(f"{CLOSING}/remove", data={"first": "2026-12-05"}, follow_redirects=True)
    assert "already removed" in response.get_data(as_text=True)
    details = [entry["detail"] for entry in audit.read_entries(staff_app.config["DATA_DIR"])]
    assert details[:3] == [
        "contact antwerpen/cmp: removed",
        "contact antwerpen/cmp: added",
        "contact antwerpen/cmp: added",
    ]
    assert "Kerstvakantie" not in audit_log_text(staff_app)


def _reason() -> dict:
    return {"nl": REASON["reason-nl"], "fr": REASON["reason-fr"], "en": REASON["reason-en"]}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"first": "2026-12-31", "last": "2026-12-24"}, "last", "cannot be before the first"),
        ({"first": "2026-12-24", "reason-fr": ""}, "reason-fr", "This language is missing"),
        ({"first": "2026-12-24", "reason-en": " "}, "reason-en", "This language is missing"),
        ({"first": "2026-11-20", "last": "2026-11-30"}, "last", "already over"),
        ({"first": "2026-11-30"}, "first", "already over"),
        ({"first": "2026-12-24", "last": "2028-01-01"}, "last", "at most a year"),
        ({"first": "24/12/2026"}, "first", "Not a valid date"),
        ({"first": ""}, "first", "This field is required"),
        ({"first": "2026-12-30", "last": "2027-01-02"}, "first", "overlap"),
    ],
)
def test_bad_closing_days_are_refused(staff_app, admin, data, field, message):
    admin.post(CLOSING, data={"first": "2026-12-24", "last": "2026-12-31", **REASON})
    before = draft_bytes(staff_app)
    response = admin.post(CLOSING, data={**REASON, **data})
    assert response.status_code == 400
    error = re.search(rf'id="{field}-error">(.*?)</', response.get_data(as_text=True), re.S)
    assert error and message.lower() in error[1].lower()
    assert draft_bytes(staff_app) == before


def test_only_a_contact_with_opening_hours_has_closing_days(staff_app, admin):
    url = "/staff/content/antwerpen/contacts/noemie-goris"
    assert "Closing days" not in admin.get(url).get_data(as_text=True)
    data = {"first": "2026-12-24", **REASON}
    assert admin.post(f"{url}/closing-days", data=data).status_code == 404
    assert draft_bytes(staff_app) is None
