"""Concerns sealed at intake once keys exist (issue #10); plain, with a warning, without keys."""

import json
import logging
import uuid

import pytest

from pwa import create_app, sealing, vocabulary
from pwa.keys_status import NO_KEYS_WARNING
from pwa.storage import concerns, keys, sealed_records
from tests.keys_helpers import FAST
from tests.samples import valid_concern
from tests.sealed_helpers import concern_file, init_keys, stored

PRIVATE = valid_concern(
    need="NEED-Q7 zegt dingen",
    steps_taken="STEPS-Q7 gesprek",
    missing_info="MISSING-Q7 thuis",
    pupil_ref="PQ7",
    pupil_grade="GRADE-Q7",
    reporter_name="NAME-Q7 Janssens",
    reporter_email="q7@example.be",
    urgent=True,
)


@pytest.fixture
def post(client):
    token = client.get("/api/csrf").get_json()["csrf_token"]

    def send(body=PRIVATE):
        key = str(uuid.uuid4())
        headers = {"X-CSRFToken": token, "Idempotency-Key": key}
        response = client.post(
            "/api/concerns", data=json.dumps(body), headers=headers, content_type="application/json"
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        return key

    return send


def test_clear_fields_are_kind_and_school_and_every_other_field_is_sealed():
    assert vocabulary.CLEAR_FIELDS == ("kind", "school")
    assert set(vocabulary.SEALED_FIELDS) | set(vocabulary.CLEAR_FIELDS) == set(
        vocabulary.FIELD_ORDER
    )
    assert set(vocabulary.SEALED_SECTIONS) == {
        "clarification",
        "case_discussion",
        "follow_up_options",
        "follow_up",
    }


def test_with_keys_a_concern_keeps_only_kind_and_school_readable(app, post):
    token = init_keys(app)
    concern_id = post()
    record = stored(app, concern_id)
    assert record["fields"] == {"kind": PRIVATE["kind"], "school": PRIVATE["school"]}
    assert sealing.is_sealed(record["sealed"])
    on_disk = concern_file(app, concern_id)
    for name in vocabulary.SEALED_FIELDS:
        if isinstance(PRIVATE[name], str) and PRIVATE[name]:
            assert PRIVATE[name] not in on_disk, name
    keyring = keys.open_cmp_key_with_recovery(app.config["DATA_DIR"], token)
    opened = sealed_records.open_record(record, keyring)
    assert opened["fields"]["need"] == PRIVATE["need"] and opened["fields"]["urgent"] is True
    assert opened["fields"]["school"] == PRIVATE["school"]
    # The body hash is a hash: the replay of the same body still gets the same receipt.
    assert len(record["body_hash"]) == 64


def test_without_keys_a_concern_is_stored_as_before(app, post):
    concern_id = post()
    record = stored(app, concern_id)
    assert record["fields"]["need"] == PRIVATE["need"] and "sealed" not in record


def test_a_write_that_would_store_plain_text_with_keys_raises_and_changes_nothing(app, post):
    init_keys(app)
    concern_id = post()
    data_dir = app.config["DATA_DIR"]
    before = concern_file(app, concern_id)
    with pytest.raises(sealed_records.PlainTextRefused):
        concerns.update_concern(data_dir, concern_id, lambda r: r["fields"].update(need="x"))
    assert concern_file(app, concern_id) == before
    record = stored(app, concern_id)
    with pytest.raises(sealed_records.PlainTextRefused):
        sealed_records.check_sealed(data_dir, {**record, "history": [{"note": "plain"}]})


def test_a_concern_stored_before_keys_is_sealed_by_its_next_change(app, post):
    concern_id = post()
    token = init_keys(app)
    data_dir = app.config["DATA_DIR"]
    concerns.update_concern(data_dir, concern_id, lambda r: None)
    assert PRIVATE["need"] not in concern_file(app, concern_id)
    keyring = keys.open_cmp_key_with_recovery(data_dir, token)
    assert (
        sealed_records.open_record(stored(app, concern_id), keyring)["fields"]["need"]
        == (PRIVATE["need"])
    )


def make(tmp_path):
    config = {"TESTING": True, "SECRET_KEY": "t", "DATA_DIR": str(tmp_path / "data")}
    return create_app({**config, "KEY_WRAP_LIMITS": FAST})


def test_the_start_warns_once_without_keys_and_not_with_them(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    app = make(tmp_path)
    assert [r.getMessage() for r in caplog.records].count(NO_KEYS_WARNING) == 1
    assert "flask --app wsgi keys init" in NO_KEYS_WARNING
    app.test_client().get("/api/csrf")
    assert [r.getMessage() for r in caplog.records].count(NO_KEYS_WARNING) == 1
    init_keys(app)
    caplog.clear()
    make(tmp_path)
    assert NO_KEYS_WARNING not in [r.getMessage() for r in caplog.records]
