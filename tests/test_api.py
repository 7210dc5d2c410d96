"""The sync API, line by line of its contract, against real TinyDB files."""

import json
import logging
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pwa.storage.concerns import body_hash, get_concern, list_concerns, save_concern
from tests.samples import valid_concern

VALID = valid_concern(
    kind="registration",
    clb_informed=True,
    assessment="unsure",
    talked_with_pupil=True,
)


@pytest.fixture
def csrf_token(client):
    return client.get("/api/csrf").get_json()["csrf_token"]


@pytest.fixture
def post(client, csrf_token):
    """POST /api/concerns with a valid token and a fresh key unless told otherwise."""

    def send(body=VALID, key=None, headers=None, raw=None, content_type="application/json", **kw):
        all_headers = {"X-CSRFToken": csrf_token, "Idempotency-Key": key or str(uuid.uuid4())}
        all_headers.update(headers or {})
        all_headers = {name: value for name, value in all_headers.items() if value is not None}
        data = raw if raw is not None else json.dumps(body)
        return client.post(
            "/api/concerns", data=data, headers=all_headers, content_type=content_type, **kw
        )

    return send


def stored(app):
    return list_concerns(app.config["DATA_DIR"])


def this_year() -> int:
    return datetime.now(ZoneInfo("Europe/Brussels")).year


def test_csrf_token_is_fresh_json_and_never_cached(client):
    response = client.get("/api/csrf")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert len(response.get_json()["csrf_token"]) > 20


def test_a_new_concern_is_created(app, post):
    key = str(uuid.uuid4())
    response = post(key=key)
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "reference", "receipt_token", "status", "received_at"}
    assert body["id"] == key
    assert body["reference"] == f"CMP-{this_year()}-0001"
    assert body["status"] == "received"
    assert response.headers["Cache-Control"] == "no-store"
    record = get_concern(app.config["DATA_DIR"], key)
    # Validated and normalised: phone in E.164, empty optional text as None.
    assert record["fields"]["reporter_phone"] == "+3233383266"
    assert record["fields"]["missing_info"] is None
    assert record["fields"]["clb_informed"] is True and record["fields"]["urgent"] is False
    assert record["locale"] == "nl"


def test_the_same_key_and_body_again_returns_the_first_receipt(app, post):
    key = str(uuid.uuid4())
    first = post(key=key)
    # Another key order and spacing is the same body.
    again = post(key=key, raw=json.dumps(dict(reversed(list(VALID.items()))), indent=2))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert len(stored(app)) == 1


def test_the_same_key_with_another_body_is_refused(app, post):
    key = str(uuid.uuid4())
    post(key=key)
    response = post(body={**VALID, "need": "Iets anders"}, key=key)
    assert response.status_code == 422
    assert response.get_json() == {"error": "idempotency_key_reused"}
    assert [r["fields"]["need"] for r in stored(app)] == [VALID["need"]]


def test_a_key_in_capitals_is_the_same_key(app, post):
    key = str(uuid.uuid4())
    assert post(key=key.upper()).get_json()["id"] == key
    assert post(key=key).status_code == 200


@pytest.mark.parametrize(
    ("key", "error"),
    [
        (None, "idempotency_key_missing"),
        ("", "idempotency_key_missing"),
        ("12345", "idempotency_key_invalid"),
        (str(uuid.uuid1()), "idempotency_key_invalid"),
        (uuid.uuid4().hex, "idempotency_key_invalid"),
        ("{" + str(uuid.uuid4()) + "}", "idempotency_key_invalid"),
        ("../../secret_key", "idempotency_key_invalid"),
    ],
)
def test_a_missing_or_malformed_key_is_400(app, client, csrf_token, key, error):
    headers = {"X-CSRFToken": csrf_token}
    if key is not None:
        headers["Idempotency-Key"] = key
    response = client.post("/api/concerns", json=VALID, headers=headers)
    assert response.status_code == 400
    assert response.get_json() == {"error": error}
    assert stored(app) == []


def test_invalid_fields_are_422_by_field_and_nothing_is_stored(app, post):
    body = {**VALID, "school": "  ", "reporter_phone": "12", "pupil_ref": "Jan Peeters"}
    response = post(body=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"school", "reporter_phone", "pupil_ref"}
    assert errors["school"] == ["Vul de naam van de school in."]
    assert stored(app) == []


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ({"headers": {"Accept-Language": "fr-BE,fr;q=0.9"}}, "Indiquez le nom de l'école."),
        ({"headers": {"Accept-Language": "en-GB"}}, "Enter the name of the school."),
        ({"headers": {"Accept-Language": "de-DE"}}, "Vul de naam van de school in."),
        ({"query_string": {"lang": "fr"}, "headers": {"Accept-Language": "nl"}}, "Indiquez"),
    ],
)
def test_errors_come_in_the_request_language(post, how, expected):
    response = post(body={**VALID, "school": ""}, **how)
    assert response.get_json()["errors"]["school"][0].startswith(expected)


def test_the_language_of_the_request_is_stored(app, post):
    key = str(uuid.uuid4())
    post(key=key, query_string={"lang": "fr"})
    assert get_concern(app.config["DATA_DIR"], key)["locale"] == "fr"


def test_a_refused_request_uses_up_no_number(post):
    assert post(body={**VALID, "need": ""}).status_code == 422
    assert post(body=[VALID]).status_code == 422
    key = str(uuid.uuid4())
    post(key=key)
    assert post(key=key, body={**VALID, "need": "x"}).status_code == 422
    assert post().get_json()["reference"] == f"CMP-{this_year()}-0002"


def test_unknown_keys_are_named(app, post):
    response = post(body={**VALID, "pupil_full_name": "Jan Peeters", "extra": 1})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"pupil_full_name", "extra"}
    assert stored(app) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("urgent", "true"),
        ("urgent", 1),
        ("urgent", None),
        ("clb_informed", "yes"),
        ("school", 123),
        ("school", ["Atheneum"]),
        ("need", {"text": "x"}),
        ("reporter_phone", 3233383266),
        ("kind", True),
        ("need", 1e308),
    ],
)
def test_wrong_types_are_422_for_that_field(app, post, field, value):
    response = post(body={**VALID, field: value})
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert stored(app) == []


def test_a_body_over_64_kib_is_413(app, post):
    response = post(body={**VALID, "need": "x" * (65 * 1024)})
    assert response.status_code == 413
    assert response.is_json
    assert stored(app) == []


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None],
)
def test_not_json_is_415(app, client, csrf_token, content_type):
    headers = {"X-CSRFToken": csrf_token, "Idempotency-Key": str(uuid.uuid4())}
    if content_type:
        headers["Content-Type"] = content_type
    response = client.post("/api/concerns", data=json.dumps(VALID), headers=headers)
    assert response.status_code == 415
    assert response.get_json() == {"error": "unsupported_media_type"}
    assert stored(app) == []


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_missing_or_bad_csrf_token_is_a_json_400(app, post, token):
    response = post(headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert response.get_json()["error"] == "csrf_failed"
    assert stored(app) == []


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"", 400),
        (b"{", 400),
        (b"{'kind': 'consult'}", 400),
        (b"\xff\xfe\x00garbage", 400),
        ('{"school": "caf\xe9"}'.encode("latin-1"), 400),
        (b"[" * 30_000 + b"]" * 30_000, 400),
        (b'{"need": ' + b"9" * 20_000 + b"}", 400),
        (b"[]", 422),
        (b"null", 422),
        (b"42", 422),
        (b'"a string"', 422),
        (b'{"need": 1e999999}', 422),
        (b'{"school": "\\ud800"}', 422),
        (b'{"school": "a\\u0000b"}', 422),
        (b'{"need": "x\\u202eevil"}', 422),
        (json.dumps({str(i): i for i in range(3000)}).encode(), 422),
    ],
)
def test_no_input_ever_gives_a_500(app, post, raw, status):
    response = post(raw=raw)
    assert response.status_code == status
    assert response.is_json
    assert stored(app) == []


def test_a_stored_concern_is_answered_before_validation(app, post):
    """A retry after a deploy that tightened a rule still gets its receipt, not a 422."""
    key = str(uuid.uuid4())
    old_body = {**VALID, "reporter_phone": "not valid any more"}
    save_concern(
        app.config["DATA_DIR"], key, old_body, body_hash(old_body), app.config["SECRET_KEY"], "nl"
    )
    response = post(body=old_body, key=key)
    assert response.status_code == 200
    assert response.get_json()["id"] == key


def test_nothing_about_the_contents_is_logged(app, post, caplog):
    caplog.set_level(logging.DEBUG)
    post(body={**VALID, "need": "SECRET-NEED-TEXT"})
    post(body={**VALID, "need": "SECRET-NEED-TEXT", "school": ""})
    assert "SECRET-NEED-TEXT" not in caplog.text


def test_a_receipt_shows_status_and_follow_up_for_the_right_token(client, post):
    sent = post().get_json()
    response = client.get(
        f"/api/receipts/{sent['reference']}", headers={"X-Receipt-Token": sent["receipt_token"]}
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "reference": sent["reference"],
        "status": "received",
        "updated_at": sent["received_at"],
        "follow_up": None,
        "follow_up_sealed": None,
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_a_wrong_token_and_an_unknown_reference_get_the_same_bytes(client, post):
    sent = post().get_json()
    reference, token = sent["reference"], sent["receipt_token"]
    answers = [
        client.get(f"/api/receipts/{reference}", headers={"X-Receipt-Token": "0" * 64}),
        client.get(f"/api/receipts/{reference}"),
        client.get(f"/api/receipts/{reference}", headers={"X-Receipt-Token": ""}),
        client.get("/api/receipts/CMP-1999-0001", headers={"X-Receipt-Token": token}),
        client.get("/api/receipts/not-a-reference", headers={"X-Receipt-Token": token}),
    ]
    first = answers[0]
    assert first.status_code == 404
    for answer in answers:
        assert answer.status_code == 404
        assert answer.data == first.data
        # Every header alike but the request's own id (new for every request, see request_log).
        assert answer.headers["X-Request-ID"] != first.headers["X-Request-ID"] or answer is first
        headers = {k: v for k, v in answer.headers.items() if k != "X-Request-ID"}
        assert headers == {k: v for k, v in first.headers.items() if k != "X-Request-ID"}


def test_api_errors_elsewhere_are_json(client):
    assert client.get("/api/nothing/here/at-all").get_json() == {"error": "not_found"}
    response = client.get("/api/concerns", follow_redirects=True)
    assert response.status_code == 404 and response.is_json
    # Pages outside /api/ keep their HTML error pages.
    assert not client.get("/nl/nothing-here/").is_json
