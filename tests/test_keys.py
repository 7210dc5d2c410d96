"""The key files and the recovery drills at the storage layer (pwa/storage/keys.py).

Real data folders in tmp_path; argon2 with test-only fast limits.
"""

import json
from pathlib import Path

import pytest

from pwa import sealing
from pwa.sealing import RecoveryTokenError, SealError
from pwa.storage import keys, staff
from pwa.storage.key_files import account_path
from tests.keys_helpers import (
    FAST,
    PASSWORD,
    assert_private_files,
    everything_on_disk,
    opened,
    sealed_concern,
    signed_in_once,
)

ADMIN, STAFF = "admin@cmp.example", "staff@cmp.example"


@pytest.fixture
def data_dir(tmp_path):
    return str(tmp_path / "data")


@pytest.fixture
def token(data_dir):
    """Keys made, and the recovery token `keys init` printed."""
    return keys.init_keys(data_dir)


def granted_admin(data_dir, token, email=ADMIN):
    signed_in_once(data_dir, email, "admin")
    keys.grant(data_dir, email, keys.open_cmp_key_with_recovery(data_dir, token))
    return keys.open_cmp_key(data_dir, email, PASSWORD)


def test_without_keys_nothing_is_sealed_and_nothing_opens(data_dir):
    assert not keys.keys_exist(data_dir)
    assert keys.cmp_public_key(data_dir) is None
    assert keys.access_status(data_dir, ADMIN) == "no-keys"
    assert keys.open_cmp_key(data_dir, ADMIN, PASSWORD) is None
    assert keys.summary(data_dir) is None


def test_init_makes_one_key_pair_and_only_a_token_opens_it(data_dir, token):
    record = json.loads((Path(data_dir) / "keys" / "cmp.json").read_text())
    (kid,) = record["pairs"]
    pair = record["pairs"][kid]
    assert (
        record["current"] == kid == pair["key_id"] == sealing.key_id(keys.cmp_public_key(data_dir))
    )
    assert set(pair["wraps"]) == {"recovery", "accounts"} and pair["wraps"]["accounts"] == {}
    assert token.startswith("wegwijzer-recovery-")
    assert token not in everything_on_disk(data_dir)
    assert_private_files(data_dir)
    keyring = keys.open_cmp_key_with_recovery(data_dir, token)
    assert list(keyring) == [kid]


def test_init_never_replaces_keys(data_dir, token):
    before = (Path(data_dir) / "keys" / "cmp.json").read_bytes()
    with pytest.raises(keys.KeysError, match="keys exist already; nothing changed"):
        keys.init_keys(data_dir)
    assert (Path(data_dir) / "keys" / "cmp.json").read_bytes() == before
    assert keys.open_cmp_key_with_recovery(data_dir, token)


def test_the_first_sign_in_makes_the_accounts_key_pair_once(data_dir, token):
    staff.create_account(data_dir, STAFF, PASSWORD, "staff")
    assert keys.access_status(data_dir, STAFF) == "no-keypair"
    assert keys.ensure_account_keypair(data_dir, STAFF, PASSWORD, limits=FAST)
    first = keys.account_keys(data_dir, STAFF)
    assert not keys.ensure_account_keypair(data_dir, STAFF, PASSWORD, limits=FAST)
    assert keys.account_keys(data_dir, STAFF) == first
    assert first["email"] == STAFF and first["private_key"]["method"] == "argon2id+secretbox"
    assert PASSWORD not in everything_on_disk(data_dir)
    assert keys.access_status(data_dir, STAFF) == "not-granted"
    assert keys.open_cmp_key(data_dir, STAFF, PASSWORD) is None  # "no access yet, ask an admin"
    assert_private_files(data_dir)


def test_grant_needs_an_active_account_that_signed_in_once(data_dir, token):
    keyring = keys.open_cmp_key_with_recovery(data_dir, token)
    with pytest.raises(keys.KeysError, match="no account for ghost@cmp.example"):
        keys.grant(data_dir, "ghost@cmp.example", keyring)
    staff.create_account(data_dir, STAFF, PASSWORD, "staff")
    with pytest.raises(keys.KeysError, match="no key pair yet: they must sign in once first"):
        keys.grant(data_dir, STAFF, keyring)
    signed_in_once(data_dir, STAFF)
    staff.set_disabled(data_dir, STAFF, True)
    with pytest.raises(keys.KeysError, match="is disabled"):
        keys.grant(data_dir, STAFF, keyring)
    assert keys.access_status(data_dir, STAFF) == "not-granted"


def test_grant_refuses_keys_that_are_not_this_deployments(data_dir, token):
    signed_in_once(data_dir, STAFF)
    stranger = sealing.KeyPair.generate()
    with pytest.raises(keys.KeysError, match="not the current ones"):
        keys.grant(data_dir, STAFF, {stranger.key_id: stranger.private_key})
    (kid,) = keys.open_cmp_key_with_recovery(data_dir, token)
    with pytest.raises(SealError, match="does not match"):
        keys.grant(data_dir, STAFF, {kid: stranger.private_key})
    assert keys.access_status(data_dir, STAFF) == "not-granted"


def test_granted_accounts_open_what_was_sealed_and_grant_others(data_dir, token):
    concern = sealed_concern(data_dir, 1, "zorgen over uitspraken", "gebeld met CLB")
    admin_keys = granted_admin(data_dir, token)
    assert keys.access_status(data_dir, ADMIN) == "granted"
    assert opened(data_dir, concern["id"], admin_keys) == (
        "zorgen over uitspraken",
        "gebeld met CLB",
    )
    signed_in_once(data_dir, STAFF)
    assert keys.grant(data_dir, STAFF, admin_keys) == 1  # an admin's own key grants others
    staff_keys = keys.open_cmp_key(data_dir, STAFF, PASSWORD)
    assert opened(data_dir, concern["id"], staff_keys)[0] == "zorgen over uitspraken"
    assert_private_files(data_dir)


def test_the_owners_password_change_keeps_access(data_dir, token):
    concern = sealed_concern(data_dir, 1, "need", "note")
    granted_admin(data_dir, token)
    new = "a brand new long password"
    assert keys.rewrap_account(data_dir, ADMIN, PASSWORD, new, limits=FAST)
    assert opened(data_dir, concern["id"], keys.open_cmp_key(data_dir, ADMIN, new))[0] == "need"
    with pytest.raises(SealError, match="wrong password or damaged key"):
        keys.open_cmp_key(data_dir, ADMIN, PASSWORD)
    with pytest.raises(SealError, match="wrong password"):
        keys.rewrap_account(data_dir, ADMIN, "not the password", "x" * 12, limits=FAST)
    assert not keys.rewrap_account(data_dir, "nobody@cmp.example", new, PASSWORD, limits=FAST)


def test_revoke_removes_the_grant_and_ends_the_sessions(data_dir, token):
    granted_admin(data_dir, token)
    staff.start_session(data_dir, ADMIN)
    assert keys.revoke(data_dir, ADMIN)
    assert keys.access_status(data_dir, ADMIN) == "not-granted"
    assert keys.open_cmp_key(data_dir, ADMIN, PASSWORD) is None
    assert staff.get_account(data_dir, ADMIN)["sessions"] == {}
    assert ADMIN not in (Path(data_dir) / "keys" / "cmp.json").read_text()
    assert not keys.revoke(data_dir, ADMIN)


def test_recovery_drill_every_password_reset_nothing_lost(data_dir, token):
    """Every account reset from the CLI; the recovery token and grants restore all access."""
    concerns = [sealed_concern(data_dir, n, f"need {n}", f"note {n}") for n in (1, 2, 3)]
    admin_keys = granted_admin(data_dir, token)
    signed_in_once(data_dir, STAFF)
    keys.grant(data_dir, STAFF, admin_keys)

    for email in (ADMIN, STAFF):  # what `flask staff reset-password` does to the keys
        staff.reset_password(data_dir, email, "reset by the operator")
        assert keys.drop_account_keypair(data_dir, email)
        assert keys.access_status(data_dir, email) == "no-keypair"
        assert keys.open_cmp_key(data_dir, email, "reset by the operator") is None
    assert not account_path(data_dir, ADMIN).exists()

    # The admin signs in again (new key pair), the recovery token grants them...
    signed_in_once(data_dir, ADMIN, password="reset by the operator")
    assert keys.access_status(data_dir, ADMIN) == "not-granted"
    keys.grant(data_dir, ADMIN, keys.open_cmp_key_with_recovery(data_dir, token))
    admin_keys = keys.open_cmp_key(data_dir, ADMIN, "reset by the operator")
    # ... and the admin's key grants the others again.
    signed_in_once(data_dir, STAFF, password="reset by the operator")
    keys.grant(data_dir, STAFF, admin_keys)
    staff_keys = keys.open_cmp_key(data_dir, STAFF, "reset by the operator")
    for n, concern in enumerate(concerns, start=1):
        assert opened(data_dir, concern["id"], staff_keys) == (f"need {n}", f"note {n}")


def test_a_wrong_or_malformed_recovery_token_is_a_clear_error(data_dir, token):
    other_token, _ = sealing.new_recovery_key()
    with pytest.raises(SealError, match="wrong recovery key: the token is well-formed"):
        keys.open_cmp_key_with_recovery(data_dir, other_token)
    with pytest.raises(RecoveryTokenError, match="typo"):
        keys.open_cmp_key_with_recovery(data_dir, token[:-1] + ("A" if token[-1] != "A" else "B"))
    with pytest.raises(RecoveryTokenError, match="not a recovery token"):
        keys.open_cmp_key_with_recovery(data_dir, PASSWORD)


def _damage(path: Path, change) -> None:
    record = json.loads(path.read_text())
    change(record)
    path.write_text(json.dumps(record))


def _flip(text: str, index: int = 20) -> str:
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


def test_a_corrupted_recovery_wrap_is_a_clear_error(data_dir, token):
    path = Path(data_dir) / "keys" / "cmp.json"

    def change(record):
        wrap = record["pairs"][record["current"]]["wraps"]["recovery"]
        wrap["box"] = _flip(wrap["box"])

    _damage(path, change)
    with pytest.raises(SealError, match="or a damaged key file"):
        keys.open_cmp_key_with_recovery(data_dir, token)


def test_a_corrupted_password_wrap_or_grant_is_a_clear_error(data_dir, token):
    granted_admin(data_dir, token)
    path = account_path(data_dir, ADMIN)
    original = path.read_text()
    _damage(path, lambda r: r["private_key"].update(box=_flip(r["private_key"]["box"])))
    with pytest.raises(SealError, match="wrong password or damaged key"):
        keys.open_cmp_key(data_dir, ADMIN, PASSWORD)
    path.write_text(original)

    cmp_path = Path(data_dir) / "keys" / "cmp.json"

    def change(record):
        accounts = record["pairs"][record["current"]]["wraps"]["accounts"]
        accounts[ADMIN] = _flip(accounts[ADMIN], 30)

    _damage(cmp_path, change)
    with pytest.raises(SealError, match="damaged or altered"):
        keys.open_cmp_key(data_dir, ADMIN, PASSWORD)


def test_a_key_file_that_is_no_json_any_more_is_a_clear_error(data_dir, token):
    (Path(data_dir) / "keys" / "cmp.json").write_text('{"format": 1, "pai')
    with pytest.raises(keys.KeysError, match="damaged key file cmp.json: not JSON"):
        keys.open_cmp_key_with_recovery(data_dir, token)


def test_a_tampered_concern_value_never_opens_to_other_plaintext(data_dir, token):
    concern = sealed_concern(data_dir, 1, "need", "note")
    keyring = keys.open_cmp_key_with_recovery(data_dir, token)
    text = concern["sealed"]
    for index in range(len("sealed:v1:") + 17, len(text)):
        with pytest.raises(SealError):
            sealing.open_fields(keyring, _flip(text, index))
