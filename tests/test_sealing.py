"""The sealing primitives (pwa/sealing): what opens, and that nothing else ever does."""

import base64
import json

import pytest

from pwa import sealing
from pwa.sealing import Argon2Limits, KeyPair, RecoveryTokenError, SealError

FAST = Argon2Limits(opslimit=1, memlimit=8192)  # tests only: the real limits take ~0.4 s
FIELDS = {"need": "Zegt dingen die me zorgen baren – één keer", "pupil_ref": "J.P."}


def flip(text: str, index: int) -> str:
    """`text` with one character replaced by another of the same base64 alphabet."""
    replacement = "A" if text[index] != "A" else "B"
    return text[:index] + replacement + text[index + 1 :]


def test_sealed_bytes_open_with_the_private_key_only():
    pair, other = KeyPair.generate(), KeyPair.generate()
    sealed = sealing.seal(pair.public_key, b"secret")
    assert b"secret" not in sealed
    assert sealing.open_sealed(pair.private_key, sealed) == b"secret"
    with pytest.raises(SealError, match="wrong key, or the data was damaged or altered"):
        sealing.open_sealed(other.private_key, sealed)


def test_every_changed_byte_of_a_sealed_box_is_refused():
    pair = KeyPair.generate()
    sealed = sealing.seal(pair.public_key, b"secret")
    for index in range(len(sealed)):
        tampered = bytearray(sealed)
        tampered[index] ^= 0x01
        with pytest.raises(SealError):
            sealing.open_sealed(pair.private_key, bytes(tampered))
    with pytest.raises(SealError):
        sealing.open_sealed(pair.private_key, sealed[:-1])


def test_fields_round_trip_as_text_that_names_its_key():
    pair = KeyPair.generate()
    text = sealing.seal_fields(pair.public_key, FIELDS)
    assert text.startswith(f"sealed:v1:{pair.key_id}:")
    assert sealing.is_sealed(text) and sealing.sealed_key_id(text) == pair.key_id
    assert "J.P." not in text and "zorgen" not in text
    assert sealing.open_fields(pair.private_key, text) == FIELDS
    assert sealing.open_fields({pair.key_id: pair.private_key}, text) == FIELDS
    assert sealing.seal_fields(pair.public_key, FIELDS) != text  # fresh randomness each time


def test_repr_of_a_key_pair_never_shows_the_private_key():
    pair = KeyPair.generate()
    assert repr(pair.private_key) not in repr(pair)


@pytest.mark.parametrize(
    "value",
    [None, 3, "", "plain text", "sealed:v1:", "sealed:v1:abc:xyz", "sealed:v2:0123456789abcdef:AA"],
)
def test_is_sealed_only_for_sealed_text(value):
    assert not sealing.is_sealed(value)


def test_a_tampered_sealed_value_never_opens_to_other_plaintext():
    pair = KeyPair.generate()
    text = sealing.seal_fields(pair.public_key, FIELDS)
    body_start = len(f"sealed:v1:{pair.key_id}:")
    for index in range(body_start, len(text)):
        with pytest.raises(SealError):
            sealing.open_fields(pair.private_key, flip(text, index))
    with pytest.raises(SealError, match="not a sealed value"):
        sealing.open_fields(pair.private_key, text[:body_start] + "!!")


def test_a_value_under_another_key_says_which_key_it_needs():
    pair, other = KeyPair.generate(), KeyPair.generate()
    text = sealing.seal_fields(other.public_key, FIELDS)
    with pytest.raises(SealError, match=f"sealed under key {other.key_id}.*sign in again"):
        sealing.open_fields({pair.key_id: pair.private_key}, text)
    relabelled = text.replace(other.key_id, pair.key_id)  # the prefix changed to fool the check
    with pytest.raises(SealError, match="damaged or altered"):
        sealing.open_fields(pair.private_key, relabelled)


def test_reseal_tree_reseals_every_sealed_string_anywhere_and_counts_the_rest():
    old, new = KeyPair.generate(), KeyPair.generate()
    record = {
        "id": "x",
        "fields": sealing.seal_fields(old.public_key, FIELDS),
        "history": [{"note": sealing.seal_value(old.public_key, "a note"), "at": "now"}],
        "done": sealing.seal_value(new.public_key, "already new"),
        "broken": flip(sealing.seal_value(old.public_key, "x"), -5),
    }
    keys = {old.key_id: old.private_key, new.key_id: new.private_key}
    resealed, count = sealing.reseal_tree(record, keys, new.public_key)
    assert (count.resealed, count.unopenable) == (2, 1)
    assert resealed["done"] == record["done"] and resealed["broken"] == record["broken"]
    assert sealing.open_fields(new.private_key, resealed["fields"]) == FIELDS
    assert sealing.open_value(new.private_key, resealed["history"][0]["note"]) == "a note"
    assert resealed["history"][0]["at"] == "now"
    with pytest.raises(SealError):
        sealing.open_fields(old.private_key, resealed["fields"])


def test_a_password_wrap_opens_with_that_password_only():
    wrapped = sealing.wrap_with_password(b"private key", "a long password", FAST)
    assert wrapped["method"] == "argon2id+secretbox"
    assert (wrapped["opslimit"], wrapped["memlimit"]) == (1, 8192)
    assert sealing.unwrap_with_password(wrapped, "a long password") == b"private key"
    with pytest.raises(SealError, match="^wrong password or damaged key$"):
        sealing.unwrap_with_password(wrapped, "another password")


def test_a_wrap_without_limits_uses_the_real_ones_libsodiums_moderate_level():
    wrapped = sealing.wrap_with_password(b"private key", "pw")  # ~0.4 s: the one slow test
    assert (wrapped["opslimit"], wrapped["memlimit"]) == (3, 256 * 1024 * 1024)
    assert sealing.unwrap_with_password(wrapped, "pw") == b"private key"


@pytest.mark.parametrize(
    "damage",
    [
        lambda w: w.update(box=flip(w["box"], 30)),
        lambda w: w.update(salt=flip(w["salt"], 3)),
        lambda w: w.update(opslimit=2),
        lambda w: w.update(memlimit=10**12),  # would exhaust the server: refused before trying
        lambda w: w.pop("salt"),
        lambda w: w.update(box="not base64!"),
        lambda w: w.update(method="rot13"),
    ],
)
def test_a_damaged_password_wrap_is_a_clear_error(damage):
    wrapped = sealing.wrap_with_password(b"private key", "pw", FAST)
    damage(wrapped)
    with pytest.raises(SealError, match="^wrong password or damaged key$"):
        sealing.unwrap_with_password(wrapped, "pw")


def test_a_key_wrap_opens_with_that_key_only():
    token, key = sealing.new_recovery_key()
    wrapped = sealing.wrap_with_key(b"private key", key)
    assert sealing.unwrap_with_key(wrapped, key) == b"private key"
    _, other = sealing.new_recovery_key()
    with pytest.raises(SealError, match="wrong key or damaged wrap"):
        sealing.unwrap_with_key(wrapped, other)
    wrapped["box"] = flip(wrapped["box"], 10)
    with pytest.raises(SealError, match="wrong key or damaged wrap"):
        sealing.unwrap_with_key(wrapped, key)


def test_the_recovery_token_is_one_copyable_string_with_a_checksum():
    token, key = sealing.new_recovery_key()
    prefix, body = token[:19], token[19:]
    assert prefix == "wegwijzer-recovery-"
    groups = body.split("-")
    assert len(groups) == 14 and all(len(g) == 4 and g.isalnum() and g.isupper() for g in groups)
    assert set("".join(groups)) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert sealing.parse_recovery_token(token) == key
    # Copied in lower case, over two lines, with spaces around: still the same key.
    assert sealing.parse_recovery_token(f"  {token[:40].lower()}\n{token[40:]}\n") == key
    assert sealing.recovery_token(key) == token


def test_a_typo_in_the_token_is_told_apart_from_a_wrong_token():
    token, _ = sealing.new_recovery_key()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    for index in range(19, len(token)):
        if token[index] == "-":
            continue
        typo = alphabet[(alphabet.index(token[index]) + 1) % 32]
        with pytest.raises(RecoveryTokenError, match="typo"):
            sealing.parse_recovery_token(token[:index] + typo + token[index + 1 :])
    swapped = token[:19] + token[20] + token[19] + token[21:]
    if swapped != token:
        with pytest.raises(RecoveryTokenError, match="typo"):
            sealing.parse_recovery_token(swapped)


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda t: t[19:], "starts wegwijzer-recovery-"),
        (lambda t: "", "starts wegwijzer-recovery-"),
        (lambda t: t[:-5], "52 letters and digits after the prefix instead of 56"),
        (lambda t: t + t[19:], "part missing, or pasted twice"),
        (lambda t: t[:20] + "0" + t[21:], "it contains 0"),
        (lambda t: t[:20] + "1" + t[21:-1] + "8", "it contains 1 8"),
    ],
)
def test_a_malformed_token_says_what_is_wrong_without_repeating_it(mangle, message):
    token, _ = sealing.new_recovery_key()
    with pytest.raises(RecoveryTokenError, match=message) as caught:
        sealing.parse_recovery_token(mangle(token))
    assert token[19:35] not in str(caught.value)
    assert isinstance(caught.value, SealError)  # one except clause catches every failure


def test_the_session_holds_the_keyring_only_under_the_cookies_key():
    pair = KeyPair.generate()
    session_key = sealing.new_session_key()
    assert len(base64.urlsafe_b64decode(session_key + "=")) == 32
    assert all(c.isalnum() or c in "-_" for c in session_key)
    stored = sealing.seal_keyring_for_session({pair.key_id: pair.private_key}, session_key)
    assert sealing.open_keyring_for_session(stored, session_key) == {pair.key_id: pair.private_key}
    assert sealing.to_text(pair.private_key) not in stored
    for wrong in (sealing.new_session_key(), "short", "", flip(session_key, 5)):
        with pytest.raises(SealError, match="sign in again"):
            sealing.open_keyring_for_session(stored, wrong)
    with pytest.raises(SealError, match="sign in again"):
        sealing.open_keyring_for_session(flip(stored, 40), session_key)


def test_a_session_keyring_whose_key_id_was_changed_is_refused():
    pair, other = KeyPair.generate(), KeyPair.generate()
    session_key = sealing.new_session_key()
    mislabelled = {other.key_id: pair.private_key}
    stored = sealing.seal_keyring_for_session(mislabelled, session_key)
    with pytest.raises(SealError, match="sign in again"):
        sealing.open_keyring_for_session(stored, session_key)


def test_sealed_values_are_json_ready():
    pair = KeyPair.generate()
    record = {"fields": sealing.seal_fields(pair.public_key, FIELDS)}
    assert json.loads(json.dumps(record)) == record
