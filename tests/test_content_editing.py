"""Admins edit contacts and steps in the workspace: the draft changes, teachers' pages do not.

Every bad edit is refused with the field's error and changes nothing; other staff read only.
"""

import datetime as dt
import re
import tomllib
from zoneinfo import ZoneInfo

import pytest

from pwa.guidance import build_content, default_text
from pwa.storage import audit
from pwa.storage import guidance as store
from tests.editing import (
    CMP_PAGE,
    audit_log_text,
    draft_bytes,
    draft_text,
    form_on,
    in_english,
    sign_in_at,
)

STEP_PAGE = "/staff/content/antwerpen/steps/case-discussion"
SITUATION_PAGE = "/staff/content/nederland/steps/war-zone"


def cmp_in(text: str) -> dict:
    return tomllib.loads(text)["regions"][0]["contacts"][0]


def make_a_draft(client):
    """A valid draft already exists (another contact re-checked): a refused edit must keep it."""
    response = client.post(
        "/staff/content/verify",
        data={"kind": "contact", "region": "antwerpen", "item": "noemie-goris"},
    )
    assert response.status_code == 302


def test_admin_changes_the_cmp_number_in_the_draft_and_teachers_still_see_the_old(
    staff_app, signed_in
):
    admin = in_english(signed_in(role="admin"))
    values = form_on(admin, CMP_PAGE)
    assert values["phone"] == "03 338 32 66"
    response = admin.post(CMP_PAGE, data={**values, "phone": "+32 3 338 32 99"})
    assert response.status_code == 302 and response.location.endswith(CMP_PAGE)

    contact = cmp_in(draft_text(staff_app))
    # Kept in the local form, and marked as checked today by this admin.
    assert contact["phone"] == "03 338 32 99"
    assert contact["source"] == "cmp"
    assert contact["verified_by"] == admin.email
    assert contact["verified_on"] == dt.datetime.now(ZoneInfo("Europe/Brussels")).date()
    page = admin.get(CMP_PAGE).get_data(as_text=True)
    assert "Saved in the draft — not yet visible to teachers." in page
    assert 'value="03 338 32 99"' in page
    # Teachers are served the live version until someone publishes.
    public = staff_app.test_client().get("/nl/contacts/").get_data(as_text=True)
    assert "03 338 32 66" in public and "03 338 32 99" not in public


def test_the_edit_is_stamped_with_the_brussels_date_of_the_app_clock(staff_app):
    # 23:30 UTC on 31 December is already New Year's Day in Brussels.
    moment = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    admin = in_english(sign_in_at(staff_app, "admin", "late@cmp.example", moment))
    values = form_on(admin, CMP_PAGE)
    admin.post(CMP_PAGE, data={**values, "phone": "03 338 32 99"})
    assert cmp_in(draft_text(staff_app))["verified_on"] == dt.date(2027, 1, 1)


def test_saving_the_form_unchanged_writes_nothing(staff_app, signed_in):
    admin = in_english(signed_in(role="admin"))
    values = form_on(admin, CMP_PAGE)
    response = admin.post(CMP_PAGE, data=values, follow_redirects=True)
    assert "Nothing changed" in response.get_data(as_text=True)
    assert draft_bytes(staff_app) is None
    # The same number written another way is no change either.
    admin.post(CMP_PAGE, data={**values, "phone": "+3233383266"})
    assert draft_bytes(staff_app) is None


def test_texts_hours_and_the_call_text_are_saved(staff_app, signed_in):
    admin = in_english(signed_in(role="admin"))
    values = form_on(admin, CMP_PAGE)
    values.update(
        {
            "role-fr": "Nouveau  rôle\nsur deux lignes.",
            "hours-1-days": ["tue"],
            "hours-1-opens": "13:00",
            "hours-1-closes": "16:00",
            "call-nl": "",
            "call-fr": "",
            "call-en": "",
        }
    )
    assert admin.post(CMP_PAGE, data=values).status_code == 302
    contact = cmp_in(draft_text(staff_app))
    assert contact["role"]["fr"] == "Nouveau rôle sur deux lignes."
    assert contact["hours"] == [
        {"days": ["mon", "wed", "thu", "fri"], "opens": "09:00", "closes": "12:30"},
        {"days": ["tue"], "opens": "13:00", "closes": "16:00"},
    ]
    assert "call" not in contact
    build_content(draft_text(staff_app))  # still a valid document
    # The first row removed: only Tuesday afternoon is left.
    values = form_on(admin, CMP_PAGE)
    values["hours-0-remove"] = "y"
    admin.post(CMP_PAGE, data=values)
    assert cmp_in(draft_text(staff_app))["hours"] == [
        {"days": ["tue"], "opens": "13:00", "closes": "16:00"}
    ]


BAD_EDITS = [
    ({"phone": "03 338"}, "phone", "not a valid Belgian phone number"),
    ({"phone": "call us"}, "phone", "not a valid Belgian phone number"),
    ({"phone": "+31 20 123 4567"}, "phone", "not a valid Belgian phone number"),
    ({"phone": ""}, "phone", "A contact needs a phone number"),
    ({"name-fr": ""}, "name-fr", "This language is missing"),
    ({"role-en": "  "}, "role-en", "This language is missing"),
    ({"hours_text-nl": ""}, "hours_text-nl", "This language is missing"),
    ({"call-fr": ""}, "call-fr", "This language is missing"),
    ({"hours-0-opens": "13:00"}, "hours-0-closes", "Closing time must be after opening"),
    ({"hours-0-closes": "09:00"}, "hours-0-closes", "Closing time must be after opening"),
    ({"hours-0-days": []}, "hours-0-days", "Tick at least one day"),
    ({"hours-0-days": ["mon", "someday"]}, "hours-0-days", "is not a valid choice"),
    ({"hours-0-opens": "9h"}, "hours-0-opens", "Write the time as HH:MM"),
    ({"hours-0-closes": "24:00"}, "hours-0-closes", "Write the time as HH:MM"),
    ({"hours-1-opens": "10:00"}, "hours-1-days", "Tick at least one day"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_EDITS)
def test_a_bad_contact_edit_is_refused_with_the_fields_error(
    staff_app, signed_in, change, field, message
):
    admin = in_english(signed_in(role="admin"))
    make_a_draft(admin)
    before = draft_bytes(staff_app)
    values = {**form_on(admin, CMP_PAGE), **change}
    response = admin.post(CMP_PAGE, data=values)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">(.*?)</', page, re.S)
    assert error and message in error[1], page[page.find("Attention") :][:400]
    if "days" not in field:  # a group of boxes names its error in its legend
        assert re.search(rf'aria-describedby="[^"]*{field}-error" aria-invalid="true"', page)
    assert "Nothing was saved" in page
    assert draft_bytes(staff_app) == before


def test_a_bad_edit_without_a_draft_leaves_no_draft(staff_app, signed_in):
    admin = in_english(signed_in(role="admin"))
    values = {**form_on(admin, CMP_PAGE), "phone": "0900-1113111"}  # the Dutch line
    assert admin.post(CMP_PAGE, data=values).status_code == 400
    assert draft_bytes(staff_app) is None


def test_when_the_whole_document_fails_its_message_is_shown_and_nothing_changes(
    staff_app, signed_in
):
    """A draft kept under older rules fails the start-up checks: no edit can build on it."""
    data_dir = staff_app.config["DATA_DIR"]
    seed = 'id = "school"\nsource = "seed-nederland"'
    text = default_text().replace(seed, 'id = "school"\nsource = "a-blog"')
    store.save_draft(data_dir, text, 0, "someone@cmp.example", None)
    before = draft_bytes(staff_app)
    admin = in_english(signed_in(role="admin"))
    overview = admin.get("/staff/content/").get_data(as_text=True)
    assert "The draft no longer passes the checks" in overview and "a-blog" in overview
    values = form_on(admin, CMP_PAGE)
    response = admin.post(CMP_PAGE, data={**values, "phone": "03 338 32 99"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "would no longer pass its checks, so nothing was saved" in page
    assert "source &#39;a-blog&#39; is not declared" in page
    assert draft_bytes(staff_app) == before


def test_unknown_items_are_not_found(staff_app, signed_in):
    admin = in_english(signed_in(role="admin"))
    values = form_on(admin, CMP_PAGE)
    assert admin.post("/staff/content/antwerpen/contacts/nobody", data=values).status_code == 404
    assert admin.post("/staff/content/nowhere/contacts/cmp", data=values).status_code == 404
    assert admin.get("/staff/content/antwerpen/steps/nothing").status_code == 404
    assert draft_bytes(staff_app) is None


def test_a_step_is_edited_and_an_item_added(staff_app, signed_in):
    admin = in_english(signed_in(role="admin"))
    values = form_on(admin, STEP_PAGE)
    values.update(
        {
            "title-en": "Case discussion",
            "items-3-nl": "Overleg met de jeugdhulp.",
            "items-3-fr": "Concertation avec l'aide à la jeunesse.",
            "items-3-en": "Consultation with youth care.",
        }
    )
    assert admin.post(STEP_PAGE, data=values).status_code == 302
    step = tomllib.loads(draft_text(staff_app))["regions"][0]["steps"][4]
    assert step["title"]["en"] == "Case discussion"
    assert step["source"] == "cmp" and step["verified_by"] == admin.email
    assert [item["id"] for item in step["checklist"]] == [
        "expert-team",
        "social-intervention",
        "police",
        "consultation-with-youth-care",
    ]
    page = admin.get(STEP_PAGE).get_data(as_text=True)
    assert "Consultation with youth care." in page


def test_a_situations_action_is_removed(staff_app, signed_in):
    admin = in_english(signed_in(role="admin"))
    values = {**form_on(admin, SITUATION_PAGE), "items-0-remove": "y"}
    assert admin.post(SITUATION_PAGE, data=values).status_code == 302
    situation = tomllib.loads(draft_text(staff_app))["regions"][1]["situations"][2]
    assert [item["id"] for item in situation["actions"]] == ["municipality"]


def test_items_concerns_record_answers_to_are_not_removed(staff_app, signed_in):
    admin = in_english(signed_in(role="admin"))
    values = form_on(admin, STEP_PAGE)
    assert "items-0-remove" not in admin.get(STEP_PAGE).get_data(as_text=True)
    # A forged post that drops the expert team (the flow needs it) is refused.
    for name in ("items-0-id", "items-0-nl", "items-0-fr", "items-0-en"):
        values.pop(name)
    response = admin.post(STEP_PAGE, data=values)
    assert response.status_code == 400
    assert "reword them, do not remove them" in response.get_data(as_text=True)
    assert draft_bytes(staff_app) is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title-fr": ""}, "title-fr", "This language is missing"),
        ({"what-nl": ""}, "what-nl", "This language is missing"),
        ({"items-1-en": ""}, "items-1-en", "This language is missing"),
        ({"items-3-nl": "Alleen in het Nederlands."}, "items-3-fr", "This language is missing"),
    ],
)
def test_a_bad_step_edit_is_refused(staff_app, signed_in, change, field, message):
    admin = in_english(signed_in(role="admin"))
    make_a_draft(admin)
    before = draft_bytes(staff_app)
    response = admin.post(STEP_PAGE, data={**form_on(admin, STEP_PAGE), **change})
    assert response.status_code == 400
    error = re.search(rf'id="{field}-error">(.*?)</', response.get_data(as_text=True), re.S)
    assert error and message in error[1]
    assert draft_bytes(staff_app) == before


CONTENT_POSTS = [
    CMP_PAGE,
    STEP_PAGE,
    "/staff/content/verify",
    f"{CMP_PAGE}/closing-days",
    f"{CMP_PAGE}/closing-days/remove",
]


def test_other_staff_read_the_guidance_but_cannot_change_it(staff_app, signed_in):
    admin = in_english(signed_in(role="admin"))
    values = form_on(admin, CMP_PAGE)
    reader = in_english(signed_in(role="staff"))
    for page in ("/staff/content/", CMP_PAGE, STEP_PAGE, SITUATION_PAGE):
        html = reader.get(page).get_data(as_text=True)
        assert "Only admins can change the guidance." in html, page
        assert not re.search(r'<form method="post" action="/staff/content/', html), page
        assert "Still correct" not in html
    assert "03 338 32 66" in reader.get(CMP_PAGE).get_data(as_text=True)
    for url in CONTENT_POSTS:
        response = reader.post(url, data={**values, "kind": "contact", "region": "antwerpen"})
        assert response.status_code == 403, url
    assert draft_bytes(staff_app) is None


def test_edits_are_audited_by_item_without_their_text(staff_app, signed_in):
    admin = in_english(signed_in(role="admin"))
    values = form_on(admin, CMP_PAGE)
    admin.post(CMP_PAGE, data={**values, "role-en": "A secret new role text."})
    entries = audit.read_entries(staff_app.config["DATA_DIR"])
    assert entries[0]["action"] == "content-edit"
    assert entries[0]["who"] == admin.email
    assert entries[0]["detail"] == "contact antwerpen/cmp"
    assert "secret new role" not in audit_log_text(staff_app)


def test_with_csrf_on_an_edit_without_a_token_changes_nothing(tmp_path):
    from pwa import create_app
    from pwa.storage import staff
    from tests.test_staff_csrf import sign_in_through_the_forms

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATA_DIR": str(tmp_path / "data")})
    admin = sign_in_through_the_forms(app)
    staff.set_locale(app.config["DATA_DIR"], "csrf@cmp.example", "en")
    values = form_on(admin, CMP_PAGE)
    token = values.pop("csrf_token")
    changed = {**values, "phone": "03 338 32 99"}
    for url, data in [
        (CMP_PAGE, changed),
        ("/staff/content/verify", {"kind": "contact", "region": "antwerpen", "item": "cmp"}),
        (f"{CMP_PAGE}/closing-days", {"first": "2099-01-01", "reason-nl": "x"}),
        (f"{CMP_PAGE}/closing-days/remove", {"first": "2099-01-01"}),
    ]:
        assert admin.post(url, data=data).status_code == 400, url
        assert admin.post(url, data={**data, "csrf_token": "forged"}).status_code == 400, url
    assert draft_bytes(app) is None
    assert admin.post(CMP_PAGE, data={**changed, "csrf_token": token}).status_code == 302
    assert cmp_in(draft_text(app))["phone"] == "03 338 32 99"
