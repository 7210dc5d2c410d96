"""`keys rotate` at the storage layer: everything re-sealed, safely resumable (key_rotation.py)."""

import json
from pathlib import Path

import pytest

from pwa import sealing
from pwa.sealing import SealError
from pwa.storage import concerns, key_rotation, keys
from tests.keys_helpers import (
    PASSWORD,
    assert_private_files,
    everything_on_disk,
    opened,
    sealed_concern,
    sealed_strings,
    signed_in_once,
)

ADMIN, STAFF = "admin@cmp.example", "staff@cmp.example"


class Interrupted(Exception):
    """Stands for a crash or a kill in the middle of a rotation."""


@pytest.fixture
def deployment(tmp_path):
    """Keys, an admin and a staff member with access, and five concerns with sealed values."""
    data_dir = str(tmp_path / "data")
    token = keys.init_keys(data_dir)
    for email, role in ((ADMIN, "admin"), (STAFF, "staff")):
        signed_in_once(data_dir, email, role)
        keys.grant(data_dir, email, keys.open_cmp_key_with_recovery(data_dir, token))
    made = [sealed_concern(data_dir, n, f"need {n}", f"note {n}") for n in range(1, 6)]
    return data_dir, token, [c["id"] for c in made]


def shown_tokens():
    shown = []
    return shown, shown.append


def key_ids_on_disk(data_dir) -> set[str]:
    found = set()
    for record in concerns.list_concerns(data_dir):
        found |= {sealing.sealed_key_id(s) for s in sealed_strings(record)}
    return found


def test_rotation_reseals_everything_and_the_old_key_opens_nothing(deployment):
    data_dir, token, ids = deployment
    old_keys = keys.open_cmp_key_with_recovery(data_dir, token)
    before = {i: concerns.get_concern(data_dir, i)["updated_at"] for i in ids}
    shown, show = shown_tokens()

    result = key_rotation.rotate(data_dir, token, show)

    assert result.resealed_files == 5 and result.unopenable == []
    assert list(old_keys) == [result.old] and result.new != result.old
    assert key_ids_on_disk(data_dir) == {result.new}
    (new_token,) = shown
    new_keys = keys.open_cmp_key_with_recovery(data_dir, new_token)
    assert list(new_keys) == [result.new] and keys.summary(data_dir)["current"] == result.new
    for n, concern_id in enumerate(ids, start=1):
        assert opened(data_dir, concern_id, new_keys) == (f"need {n}", f"note {n}")
        with pytest.raises(SealError):
            opened(data_dir, concern_id, old_keys)
        # Nobody worked on the concern: its "updated" time stays.
        assert concerns.get_concern(data_dir, concern_id)["updated_at"] == before[concern_id]
    with pytest.raises(SealError, match="wrong recovery key"):
        keys.open_cmp_key_with_recovery(data_dir, token)
    assert not (Path(data_dir) / "keys" / "rotation.json").exists()
    assert new_token not in everything_on_disk(data_dir)
    assert_private_files(data_dir)


def test_every_account_that_had_access_keeps_it_without_its_password(deployment):
    data_dir, token, ids = deployment
    signed_in_once(data_dir, "later@cmp.example")  # a key pair, never granted
    result = key_rotation.rotate(data_dir, token, lambda new_token: None)
    for email in (ADMIN, STAFF):
        staff_keys = keys.open_cmp_key(data_dir, email, PASSWORD)
        assert list(staff_keys) == [result.new]
        assert opened(data_dir, ids[0], staff_keys) == ("need 1", "note 1")
    assert keys.access_status(data_dir, "later@cmp.example") == "not-granted"


def test_an_interrupted_rotation_continues_when_run_again(deployment):
    data_dir, token, ids = deployment
    written = []

    def crash_after_two(concern_id):
        written.append(concern_id)
        if len(written) == 2:
            raise Interrupted

    shown, show = shown_tokens()
    with pytest.raises(Interrupted):
        key_rotation.rotate(data_dir, token, show, after_write=crash_after_two)
    assert shown == []  # the new token only comes at the end
    under_way = key_rotation.rotation_under_way(data_dir)
    assert under_way and len(key_ids_on_disk(data_dir)) == 2  # some files new, some old

    # Meanwhile: new concerns are sealed to the new key, and a sign-in opens old and new.
    assert sealing.key_id(keys.cmp_public_key(data_dir)) == under_way["new"]
    late = sealed_concern(data_dir, 9, "need 9", "note 9")
    admin_keys = keys.open_cmp_key(data_dir, ADMIN, PASSWORD)
    assert set(admin_keys) == {under_way["old"], under_way["new"]}
    for concern_id in [*ids, late["id"]]:
        assert opened(data_dir, concern_id, admin_keys)[0].startswith("need")

    result = key_rotation.rotate(data_dir, token, show)
    assert result.resealed_files == 3  # the two already done and the late one are left alone
    assert (result.old, result.new) == (under_way["old"], under_way["new"])
    assert key_ids_on_disk(data_dir) == {result.new} and len(shown) == 1
    new_keys = keys.open_cmp_key_with_recovery(data_dir, shown[0])
    for n, concern_id in zip((1, 2, 3, 4, 5, 9), [*ids, late["id"]], strict=True):
        assert opened(data_dir, concern_id, new_keys) == (f"need {n}", f"note {n}")
    assert key_rotation.rotation_under_way(data_dir) is None


def test_a_concern_stored_under_the_old_key_during_the_pass_is_resealed_too(deployment):
    """A worker that read the old public key just before the rotation began writes late."""
    data_dir, token, _ = deployment
    old_public = keys.cmp_public_key(data_dir)
    old_kid = sealing.key_id(old_public)
    straggler = {}

    def store_a_straggler(_concern_id):
        if straggler:
            return
        sealed = sealing.seal_fields(old_public, {"need": "late"})
        key = "00000000-0000-4000-8000-000000000000"  # sorts first: the pass has gone past it
        concerns.save_concern(data_dir, key, {"kind": "consult"}, "h0", "s", "nl")
        # As that worker would have stored it: the private fields sealed to the old key.
        concerns.update_concern(data_dir, key, lambda record: record.update(sealed=sealed))
        straggler["id"] = key

    result = key_rotation.rotate(data_dir, token, lambda t: None, after_write=store_a_straggler)
    record = concerns.get_concern(data_dir, straggler["id"])
    assert sealing.sealed_key_id(record["sealed"]) == result.new != old_kid
    assert result.resealed_files == 6


def test_a_lost_new_token_is_shown_again_by_a_rerun_with_the_old_one(deployment):
    data_dir, token, ids = deployment
    shown = []

    def broken_terminal(new_token):
        shown.append(new_token)
        raise Interrupted  # e.g. the terminal closed before the operator copied it

    with pytest.raises(Interrupted):
        key_rotation.rotate(data_dir, token, broken_terminal)
    assert key_rotation.rotation_under_way(data_dir)
    assert keys.open_cmp_key_with_recovery(data_dir, shown[0])  # the new pair is in place
    again = key_rotation.rotate(data_dir, token, shown.append)
    assert again.resealed_files == 0 and shown[1] == shown[0]
    assert key_rotation.rotation_under_way(data_dir) is None
    with pytest.raises(SealError, match="wrong recovery key"):
        keys.open_cmp_key_with_recovery(data_dir, token)


def test_a_rerun_with_the_new_token_only_tidies_up(deployment):
    data_dir, token, _ = deployment
    shown = []

    def copied_then_crashed(new_token):
        shown.append(new_token)
        raise Interrupted

    with pytest.raises(Interrupted):
        key_rotation.rotate(data_dir, token, copied_then_crashed)
    result = key_rotation.rotate(data_dir, shown[0], shown.append)
    assert result.finished_before and len(shown) == 1
    assert key_rotation.rotation_under_way(data_dir) is None
    with pytest.raises(SealError):
        keys.open_cmp_key_with_recovery(data_dir, token)


def test_a_wrong_token_changes_nothing(deployment):
    data_dir, _, _ = deployment
    before = everything_on_disk(data_dir)
    other, _ = sealing.new_recovery_key()
    with pytest.raises(SealError, match="wrong recovery key"):
        key_rotation.rotate(data_dir, other, lambda t: None)
    with pytest.raises(sealing.RecoveryTokenError):
        key_rotation.rotate(data_dir, "wegwijzer-recovery-AAAA", lambda t: None)
    assert everything_on_disk(data_dir) == before


def test_a_damaged_value_is_reported_and_the_rest_rotates(deployment):
    data_dir, token, ids = deployment

    def damage(record):
        note = record["history"][0]["note"]
        record["history"][0]["note"] = note[:-6] + ("A" if note[-6] != "A" else "B") + note[-5:]

    concerns.update_concern(data_dir, ids[2], damage)
    result = key_rotation.rotate(data_dir, token, lambda t: None)
    damaged = concerns.get_concern(data_dir, ids[2])
    assert result.unopenable == [damaged["reference"]]
    # Its other value moved to the new key; the damaged one stays as it was.
    assert sealing.sealed_key_id(damaged["sealed"]) == result.new
    assert sealing.sealed_key_id(damaged["history"][0]["note"]) == result.old
    assert result.resealed_files == 5


def test_rotation_files_are_private_while_it_runs(deployment):
    data_dir, token, _ = deployment

    def stop(_concern_id):
        raise Interrupted

    with pytest.raises(Interrupted):
        key_rotation.rotate(data_dir, token, lambda t: None, after_write=stop)
    state = json.loads((Path(data_dir) / "keys" / "rotation.json").read_text())
    assert set(state) == {"format", "old", "new", "started", "pair", "new_recovery"}
    assert_private_files(data_dir)


def test_grants_and_revocations_during_a_rotation_hold_after_it(deployment):
    data_dir, token, ids = deployment

    def stop(_concern_id):
        raise Interrupted

    with pytest.raises(Interrupted):
        key_rotation.rotate(data_dir, token, lambda t: None, after_write=stop)
    # Mid-rotation, `keys grant` with the token opens the old pair only...
    old_only = keys.open_cmp_key_with_recovery(data_dir, token)
    assert list(old_only) == [key_rotation.rotation_under_way(data_dir)["old"]]
    signed_in_once(data_dir, "new@cmp.example")
    keys.grant(data_dir, "new@cmp.example", old_only)
    keys.revoke(data_dir, STAFF)
    signed_in_once(data_dir, "later@cmp.example")

    def grant_while_resealing(_concern_id):  # an admin signed in before the rotation grants
        if keys.access_status(data_dir, "later@cmp.example") != "granted":
            keys.grant(data_dir, "later@cmp.example", old_only)

    result = key_rotation.rotate(data_dir, token, lambda t: None, grant_while_resealing)
    # ... and finishing the rotation gives those accounts the new key too.
    for email in ("new@cmp.example", "later@cmp.example"):
        new_keys = keys.open_cmp_key(data_dir, email, PASSWORD)
        assert list(new_keys) == [result.new]
        assert opened(data_dir, ids[4], new_keys) == ("need 5", "note 5")
    assert keys.access_status(data_dir, STAFF) == "not-granted"
