"""The concern form: its validation rules, and the pages that work without JavaScript."""

import re
import uuid

import pytest
from werkzeug.datastructures import MultiDict

from pwa import vocabulary
from pwa.forms import API_KEYS, BOOL_KEYS, ConcernForm
from pwa.storage.concerns import list_concerns

FILLED = {
    "kind": "registration",
    "school": "Atheneum Antwerpen",
    "reporter_name": "An Janssens",
    "reporter_role": "clb",
    "reporter_phone": "0470 12 34 56",
    "pupil_ref": "J.P.",
    "need": "Zegt sinds kort dingen die me zorgen baren.",
    "clb_informed": "y",
}


def check(app, **changes) -> ConcernForm:
    with app.test_request_context("/en/concerns/new"):
        form = ConcernForm(formdata=MultiDict({**FILLED, **changes}), meta={"csrf": False})
        form.validate()
        form.messages = form.error_messages()
        return form


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("03 338 32 66", "+3233383266"),
        ("0470/12.34.56", "+32470123456"),
        ("+32 470 12 34 56", "+32470123456"),
        ("0032 470 12 34 56", "+32470123456"),
        ("06 12345678", "+31612345678"),  # not Belgian, so read as Dutch
        ("020 123 4567", "+31201234567"),
        ("+31 6 12345678", "+31612345678"),
    ],
)
def test_belgian_and_dutch_numbers_are_stored_in_e164(app, written, stored):
    form = check(app, reporter_phone=written)
    assert form.messages == {}
    assert form.concern_fields()["reporter_phone"] == stored


@pytest.mark.parametrize(
    "written", ["12", "0470", "+33 1 23 45 67 89", "call me", "+1 202 555 0143"]
)
def test_other_phone_numbers_are_refused(app, written):
    assert "reporter_phone" in check(app, reporter_phone=written).messages


@pytest.mark.parametrize("ref", ["J.P.", "JP", "Leerling A", "L-17", "Anna B", "x" * 12])
def test_initials_and_pseudonyms_are_accepted(app, ref):
    assert check(app, pupil_ref=ref).messages == {}


@pytest.mark.parametrize(
    ("ref", "reason"),
    [
        ("Jan Peeters", "full name"),
        ("Jan De Vos", "full name"),
        ("x" * 13, "At most 12"),
        ("J<script>", "Use only"),
        ("", "needs the pupil"),
    ],
)
def test_a_pupil_name_is_never_taken(app, ref, reason):
    messages = check(app, pupil_ref=ref).messages
    assert reason in messages["pupil_ref"][0]


def test_a_consult_needs_no_pupil(app):
    form = check(app, kind="consult", pupil_ref="")
    assert form.messages == {}
    assert form.concern_fields()["pupil_ref"] is None


def test_texts_are_trimmed_and_normalised(app):
    form = check(app, school="  Atheneum  ", need=" line one\r\nline two \r\n", urgent="y")
    fields = form.concern_fields()
    assert fields["school"] == "Atheneum"
    assert fields["need"] == "line one\nline two"
    assert fields["urgent"] is True and fields["talked_with_pupil"] is False
    assert set(fields) == set(vocabulary.FIELD_ORDER)  # the phone's receipt key is kept apart


def test_need_holds_5000_characters_and_no_more(app):
    assert check(app, need="x" * 5000).messages == {}
    assert "5000" in check(app, need="x" * 5001).messages["need"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("school", "Athe\x00neum"),
        ("school", "two\nlines"),
        ("reporter_name", "An\x1b[31m"),
        ("need", "bell \x07 in a text"),
        ("pupil_grade", "4\x07"),
    ],
)
def test_control_characters_are_refused(app, field, value):
    assert field in check(app, **{field: value}).messages


def test_the_email_is_optional_validated_and_normalised(app):
    assert check(app, reporter_email="").concern_fields()["reporter_email"] is None
    assert check(app, reporter_email="An@Example.BE").concern_fields()["reporter_email"] == (
        "An@example.be"
    )
    assert "reporter_email" in check(app, reporter_email="not an address").messages


@pytest.mark.parametrize("field", ["kind", "reporter_role", "assessment"])
def test_choices_outside_the_list_are_refused(app, field):
    assert check(app, **{field: "something"}).messages[field] == ["Choose one of the options."]


# ---------------------------------------------------------------- the pages, without JavaScript


def open_form(client, lang="nl"):
    html = client.get(f"/{lang}/concerns/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)[1]
    key = re.search(r'name="idempotency_key" id="idempotency-key" value="([^"]+)"', html)[1]
    return html, token, key


def send(client, token, key, lang="nl", **changes):
    data = {**FILLED, "csrf_token": token, "idempotency_key": key, **changes}
    return client.post(f"/{lang}/concerns/new", data=data)


def test_the_form_has_every_field_labelled_and_described(client):
    html, token, key = open_form(client)
    assert 'id="concern-form"' in html and 'id="draft-status"' in html
    assert uuid.UUID(key).version == 4
    for name in vocabulary.FIELD_ORDER:
        assert f'name="{name}"' in html, name
        if name in ("kind", "reporter_role", "assessment"):
            assert f'<fieldset class="field options" id="field-{name}"' in html
        else:
            assert f'id="field-{name}"' in html and f'for="field-{name}"' in html, name
    # Every aria-describedby points at an element that exists.
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        assert set(described.split()) <= ids, described
    assert 'autocomplete="tel"' in html and 'autocomplete="email"' in html
    assert 'autocomplete="name"' in html and 'autocomplete="organization"' in html
    assert "Leerling: initialen of een schuilnaam" in html
    assert "Nooit de volledige naam van de leerling" in html
    # Only the phone's app sends a receipt key: the plain form has no such field.
    assert "receipt_key" not in html and set(API_KEYS) - set(vocabulary.FIELD_ORDER) == {
        "receipt_key"
    }


def test_the_form_and_list_pages_are_kept_offline(client):
    worker = client.get("/sw.js").get_data(as_text=True)
    for lang in ("nl", "fr", "en"):
        assert f'"/{lang}/concerns/new"' in worker
        assert f'"/{lang}/concerns/"' in worker


def test_each_render_gets_a_new_key(client):
    assert open_form(client)[2] != open_form(client)[2]


def test_sending_stores_the_concern_and_shows_the_reference(app, client):
    _, token, key = open_form(client)
    response = send(client, token, key)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    [record] = list_concerns(app.config["DATA_DIR"])
    assert record["id"] == key and record["fields"]["reporter_phone"] == "+32470123456"
    assert record["fields"]["clb_informed"] is True
    assert f'<strong class="reference">{record["reference"]}</strong>' in html
    assert "Vraagverheldering" in html  # what follows: the flow's next steps
    assert "03 338 32 66" in html and "tel:112" in html
    assert "Versturen vervangt nooit bellen" in html
    assert 'id="urgent-guidance"' not in html
    assert response.headers["Cache-Control"] == "no-store"


def test_urgent_shows_the_acute_danger_guidance(client):
    _, token, key = open_form(client, "en")
    html = send(client, token, key, lang="en", urgent="y").get_data(as_text=True)
    assert '<section class="urgent-guidance" id="urgent-guidance"' in html
    assert "Acute danger: call 112 now" in html


def test_errors_show_at_the_top_and_next_to_each_field(app, client):
    _, token, key = open_form(client)
    response = send(client, token, key, school="", pupil_ref="Jan Peeters", need="Mijn tekst")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="error-summary"' in html and 'href="#field-school"' in html
    assert '<p class="error" id="error-school">Vul de naam van de school in.</p>' in html
    school_input = re.search(r'<input type="text" name="school"[^>]*>', html, re.S)[0]
    assert 'aria-invalid="true"' in school_input
    assert "Mijn tekst</textarea>" in html  # what was typed is kept
    assert f'value="{key}"' in html  # the same key, so the corrected send is still one
    assert list_concerns(app.config["DATA_DIR"]) == []


def test_a_double_submit_creates_one_concern(app, client):
    _, token, key = open_form(client)
    first = send(client, token, key).get_data(as_text=True)
    second = send(client, token, key).get_data(as_text=True)
    [record] = list_concerns(app.config["DATA_DIR"])
    assert record["reference"] in first and record["reference"] in second


def test_a_corrected_send_after_errors_is_stored_once(app, client):
    _, token, key = open_form(client)
    assert send(client, token, key, school="").status_code == 422
    assert send(client, token, key).status_code == 200
    assert send(client, token, key).status_code == 200
    assert len(list_concerns(app.config["DATA_DIR"])) == 1


def test_going_back_and_changing_a_sent_form_offers_a_new_concern(app, client):
    _, token, key = open_form(client)
    send(client, token, key)
    response = send(client, token, key, need="Een andere tekst")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Dit formulier was al verstuurd" in html
    new_key = re.search(r'name="idempotency_key" id="idempotency-key" value="([^"]+)"', html)[1]
    assert new_key != key
    assert send(client, token, new_key, need="Een andere tekst").status_code == 200
    assert len(list_concerns(app.config["DATA_DIR"])) == 2


def test_a_missing_csrf_token_keeps_the_text_and_stores_nothing(app, client):
    _, _token, key = open_form(client)
    response = send(client, "", key, need="Bewaar dit")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Het formulier was verlopen" in html and "Bewaar dit</textarea>" in html
    assert list_concerns(app.config["DATA_DIR"]) == []


def test_in_json_a_string_is_not_a_boolean(app):
    with app.test_request_context("/en/"):
        form = ConcernForm.from_json({key: True for key in BOOL_KEYS} | {"urgent": "false"})
        assert not form.validate()
        assert form.error_messages()["urgent"] == ["Must be true or false."]
