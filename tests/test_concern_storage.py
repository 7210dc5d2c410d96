"""Concern storage on real files: exactly once, references per Brussels year, crash leftovers."""

import os
import stat
import uuid
from datetime import UTC, datetime

import pytest
from tinydb import TinyDB

from pwa.storage.concerns import (
    ConcernNotFound,
    IdempotencyKeyReused,
    body_hash,
    delete_concern,
    get_concern,
    get_receipt,
    list_concerns,
    save_concern,
    update_concern,
)

SECRET = "test-secret"
FIELDS = {"kind": "consult", "school": "Atheneum", "need": "A question"}
JUNE_2026 = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def save(data_dir, key=None, fields=FIELDS, now=JUNE_2026):
    key = str(uuid.uuid4()) if key is None else key
    return save_concern(data_dir, key, fields, body_hash(fields), SECRET, "nl", now=now)


def test_a_concern_is_stored_with_its_receipt(tmp_path):
    receipt, created = save(tmp_path, key="0b1e7a4c-4a52-4e0c-9d7a-2f1e1c7d9a10")
    assert created
    assert receipt == {
        "id": "0b1e7a4c-4a52-4e0c-9d7a-2f1e1c7d9a10",
        "reference": "CMP-2026-0001",
        "receipt_token": receipt["receipt_token"],
        "status": "received",
        "received_at": "2026-06-01T10:00:00Z",
    }
    assert len(receipt["receipt_token"]) == 64
    record = get_concern(tmp_path, receipt["id"])
    assert record == {
        "id": receipt["id"],
        "reference": "CMP-2026-0001",
        "body_hash": body_hash(FIELDS),
        "fields": FIELDS,
        "locale": "nl",
        "status": "received",
        "received_at": "2026-06-01T10:00:00Z",
        "updated_at": "2026-06-01T10:00:00Z",
        "follow_up": None,
        "receipt_key": None,
        "follow_up_for_phone": None,
    }
    # The token is derived, never stored in clear.
    assert (
        receipt["receipt_token"]
        not in (tmp_path / "concerns" / f"{receipt['id']}.json").read_text()
    )


def test_files_are_private_and_tinydb_loads_them(tmp_path):
    receipt, _ = save(tmp_path)
    folder = tmp_path / "concerns"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    regular = [p for p in folder.iterdir() if not p.is_symlink()]
    assert regular, "no files written"
    for path in regular:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    with TinyDB(folder / f"{receipt['id']}.json") as db:
        assert db.table("concern").get(doc_id=1)["reference"] == "CMP-2026-0001"


def test_the_same_key_and_body_again_creates_nothing(tmp_path):
    key = str(uuid.uuid4())
    first, created_first = save(tmp_path, key=key)
    again, created_again = save(tmp_path, key=key)
    assert (created_first, created_again) == (True, False)
    assert again == first
    assert len(list_concerns(tmp_path)) == 1


def test_the_same_key_with_another_body_is_refused_and_uses_no_number(tmp_path):
    key = str(uuid.uuid4())
    save(tmp_path, key=key)
    with pytest.raises(IdempotencyKeyReused):
        save(tmp_path, key=key, fields={**FIELDS, "need": "Something else"})
    assert get_concern(tmp_path, key)["fields"] == FIELDS
    receipt, _ = save(tmp_path)
    assert receipt["reference"] == "CMP-2026-0002"


def test_references_are_sequential_and_restart_each_brussels_year(tmp_path):
    references = [save(tmp_path)[0]["reference"] for _ in range(3)]
    assert references == ["CMP-2026-0001", "CMP-2026-0002", "CMP-2026-0003"]
    # 23:30 UTC on 31 December is already 00:30 on 1 January in Brussels.
    new_year = save(tmp_path, now=datetime(2026, 12, 31, 23, 30, tzinfo=UTC))[0]
    assert new_year["reference"] == "CMP-2027-0001"
    late_2026 = save(tmp_path, now=datetime(2026, 12, 31, 22, 59, tzinfo=UTC))[0]
    assert late_2026["reference"] == "CMP-2026-0004"


def test_a_lost_counter_never_gives_a_reference_twice(tmp_path):
    for _ in range(3):
        save(tmp_path)
    hint = tmp_path / "concerns" / ".next-2026"
    # Power loss can leave an old counter behind; a missing or broken one must not matter either.
    for stale in ("1", "", None):
        if stale is None:
            hint.unlink()
        else:
            hint.write_text(stale)
        save(tmp_path)
    references = [record["reference"] for record in list_concerns(tmp_path)]
    assert sorted(references) == [f"CMP-2026-{n:04d}" for n in range(1, 7)]


def test_a_crash_between_reserving_and_claiming_leaves_a_gap_not_a_duplicate(tmp_path):
    save(tmp_path)
    folder = tmp_path / "concerns"
    # What a kill -9 after the reservation, before the key's claim, leaves: a reference link
    # to a file never written, and a half-written temp file. (After the claim, the retry gets
    # the claimed number: tests/test_concern_claims.py.)
    lost = str(uuid.uuid4())
    os.symlink(f"{lost}.json", folder / "CMP-2026-0002.ref")
    (folder / f".{lost}.json.123.456.partial").write_bytes(b'{"concern": {"1": {"id"')
    receipt, _ = save(tmp_path)
    assert receipt["reference"] == "CMP-2026-0003"
    assert [r["reference"] for r in list_concerns(tmp_path)] == ["CMP-2026-0003", "CMP-2026-0001"]
    # The device retries the lost request: it is stored once, under a new number.
    retried, created = save(tmp_path, key=lost)
    assert created and retried["reference"] == "CMP-2026-0004"
    assert get_receipt(tmp_path, "CMP-2026-0002", retried["receipt_token"], SECRET) is None


def test_a_receipt_needs_the_right_token(tmp_path):
    receipt, _ = save(tmp_path)
    reference, token = receipt["reference"], receipt["receipt_token"]
    assert get_receipt(tmp_path, reference, token, SECRET) == {
        "reference": reference,
        "status": "received",
        "updated_at": "2026-06-01T10:00:00Z",
        "follow_up": None,
        "follow_up_sealed": None,
    }
    assert (
        get_receipt(tmp_path, reference, token[:-1] + ("1" if token[-1] == "0" else "0"), SECRET)
        is None
    )
    assert get_receipt(tmp_path, reference, "", SECRET) is None
    assert get_receipt(tmp_path, reference, token, "another-secret") is None
    assert get_receipt(tmp_path, "CMP-2026-0099", token, SECRET) is None
    assert get_receipt(tmp_path, "../concerns/x", token, SECRET) is None


def test_an_update_keeps_what_the_staff_side_added(tmp_path):
    receipt, _ = save(tmp_path)

    def to_follow_up(record):
        record["status"] = "follow_up"
        record["follow_up"] = "We call you on Monday."
        record["history"] = [{"to": "follow_up"}]

    update_concern(tmp_path, receipt["id"], to_follow_up)
    update_concern(tmp_path, receipt["id"], lambda record: record.update(links=["x"]))
    record = get_concern(tmp_path, receipt["id"])
    assert record["history"] == [{"to": "follow_up"}] and record["links"] == ["x"]
    assert record["updated_at"] > record["received_at"]
    shown = get_receipt(tmp_path, receipt["reference"], receipt["receipt_token"], SECRET)
    assert shown["status"] == "follow_up" and shown["follow_up"] == "We call you on Monday."
    with pytest.raises(ValueError):
        update_concern(tmp_path, receipt["id"], lambda record: record.update(reference="X"))
    assert get_concern(tmp_path, receipt["id"])["reference"] == receipt["reference"]
    with pytest.raises(ConcernNotFound):
        update_concern(tmp_path, str(uuid.uuid4()), lambda record: None)


def test_a_deleted_concern_is_gone_and_its_reference_stays_taken(tmp_path):
    receipt, _ = save(tmp_path)
    assert delete_concern(tmp_path, receipt["id"]) is True
    assert get_concern(tmp_path, receipt["id"]) is None
    assert delete_concern(tmp_path, receipt["id"]) is False
    assert get_receipt(tmp_path, receipt["reference"], receipt["receipt_token"], SECRET) is None
    assert save(tmp_path)[0]["reference"] == "CMP-2026-0002"


def test_list_is_newest_first(tmp_path):
    save(tmp_path, now=datetime(2026, 3, 1, tzinfo=UTC))
    save(tmp_path, now=datetime(2026, 5, 1, tzinfo=UTC))
    save(tmp_path, now=datetime(2026, 4, 1, tzinfo=UTC))
    assert [r["received_at"][:10] for r in list_concerns(tmp_path)] == [
        "2026-05-01",
        "2026-04-01",
        "2026-03-01",
    ]


@pytest.mark.parametrize("key", ["", "not-a-uuid", "../../etc/passwd", str(uuid.uuid1())])
def test_only_a_uuid4_is_a_key(tmp_path, key):
    with pytest.raises(ValueError):
        save(tmp_path, key=key)
    assert get_concern(tmp_path, key) is None
    assert delete_concern(tmp_path, key) is False


def test_the_listing_sees_every_change_made_since_the_last_listing(tmp_path):
    """list_concerns caches unchanged files; an update, a new concern and a deletion all show."""
    first, _ = save_concern(tmp_path, str(uuid.uuid4()), FIELDS, "a", SECRET, "nl")
    assert [r["status"] for r in list_concerns(tmp_path)] == ["received"]
    update_concern(tmp_path, first["id"], lambda record: record.update(status="clarification"))
    second, _ = save_concern(tmp_path, str(uuid.uuid4()), FIELDS, "b", SECRET, "nl")
    listed = list_concerns(tmp_path)
    assert {r["id"]: r["status"] for r in listed} == {
        first["id"]: "clarification",
        second["id"]: "received",
    }
    listed[0]["status"] = "changed by a caller"
    assert "changed by a caller" not in [r["status"] for r in list_concerns(tmp_path)]
    delete_concern(tmp_path, first["id"])
    assert [r["id"] for r in list_concerns(tmp_path)] == [second["id"]]
