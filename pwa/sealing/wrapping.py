"""A secret (a private key) wrapped for storage: under a password, or under a random key.

Both are libsodium's secret box (XSalsa20-Poly1305, a random nonce per wrap, authenticated);
a password becomes its key through argon2id with a random salt. The result is a dict ready for
JSON that carries everything needed to unwrap it again, except the password or the key.
"""

from dataclasses import dataclass

from nacl.exceptions import CryptoError
from nacl.pwhash import argon2id
from nacl.secret import SecretBox
from nacl.utils import random

from .encoding import SealError, from_text, to_text

WRONG_PASSWORD = "wrong password or damaged key"  # noqa: S105 (a message)
WRONG_KEY = "wrong key or damaged wrap"


@dataclass(frozen=True)
class Argon2Limits:
    """argon2id's cost: passes over the memory (opslimit) and memory in bytes (memlimit)."""

    opslimit: int
    memlimit: int


# libsodium's "moderate" level: 3 passes over 256 MiB. Measured on the 2-core test VM:
# ~0.39 s per unwrap (bench/sealing.py), paid once per sign-in; 256 MiB per sign-in under way.
PASSWORD_LIMITS = Argon2Limits(argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_MODERATE)
# A wrap read from disk may ask for at most this much, so a damaged or planted file cannot
# make a sign-in take minutes or exhaust the server's memory.
_MAX_LIMITS = Argon2Limits(argon2id.OPSLIMIT_SENSITIVE * 4, argon2id.MEMLIMIT_SENSITIVE)
_MIN_LIMITS = Argon2Limits(argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN)


def _box_open(key: bytes, box: bytes, message: str) -> bytes:
    try:
        return SecretBox(key).decrypt(box)
    except (CryptoError, ValueError, TypeError) as exc:
        raise SealError(message) from exc


def _password_key(password: str, salt: bytes, limits: Argon2Limits) -> bytes:
    if not isinstance(password, str):
        raise TypeError("a password is text")
    return argon2id.kdf(
        SecretBox.KEY_SIZE,
        password.encode("utf-8"),
        salt,
        opslimit=limits.opslimit,
        memlimit=limits.memlimit,
    )


def wrap_with_password(
    secret: bytes, password: str, limits: Argon2Limits = PASSWORD_LIMITS
) -> dict:
    """`secret` under a key derived from `password` (argon2id, random salt)."""
    salt = random(argon2id.SALTBYTES)
    key = _password_key(password, salt, limits)
    return {
        "method": "argon2id+secretbox",
        "opslimit": limits.opslimit,
        "memlimit": limits.memlimit,
        "salt": to_text(salt),
        "box": to_text(SecretBox(key).encrypt(bytes(secret))),  # nonce + ciphertext
    }


def _stored_limits(wrapped: dict) -> Argon2Limits:
    limits = Argon2Limits(int(wrapped["opslimit"]), int(wrapped["memlimit"]))
    if not (_MIN_LIMITS.opslimit <= limits.opslimit <= _MAX_LIMITS.opslimit):
        raise ValueError("opslimit out of range")
    if not (_MIN_LIMITS.memlimit <= limits.memlimit <= _MAX_LIMITS.memlimit):
        raise ValueError("memlimit out of range")
    return limits


def unwrap_with_password(wrapped: dict, password: str) -> bytes:
    """The secret of wrap_with_password(); SealError "wrong password or damaged key"."""
    try:
        if wrapped["method"] != "argon2id+secretbox":
            raise ValueError("not a password wrap")
        limits = _stored_limits(wrapped)
        salt = from_text(wrapped["salt"], "salt")
        box = from_text(wrapped["box"], "wrap")
        if len(salt) != argon2id.SALTBYTES:
            raise ValueError("bad salt")
    except (KeyError, TypeError, ValueError, SealError) as exc:
        raise SealError(WRONG_PASSWORD) from exc
    return _box_open(_password_key(password, salt, limits), box, WRONG_PASSWORD)


def wrap_with_key(secret: bytes, key: bytes) -> dict:
    """`secret` under a random 32-byte key (the recovery key)."""
    return {"method": "secretbox", "box": to_text(SecretBox(bytes(key)).encrypt(bytes(secret)))}


def unwrap_with_key(wrapped: dict, key: bytes, message: str = WRONG_KEY) -> bytes:
    """The secret of wrap_with_key(); SealError(`message`) for a wrong key or damage."""
    try:
        if wrapped["method"] != "secretbox":
            raise ValueError("not a key wrap")
        box = from_text(wrapped["box"], "wrap")
    except (KeyError, TypeError, ValueError, SealError) as exc:
        raise SealError(message) from exc
    return _box_open(bytes(key), box, message)
