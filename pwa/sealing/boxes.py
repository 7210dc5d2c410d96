"""The CMP key pair and sealing to it: libsodium's sealed box (X25519 + XSalsa20-Poly1305).

Anyone with the public key can seal (the web process needs no secret to store a concern);
only the private key opens. A sealed value is stored as text, "sealed:v1:<key id>:<base64>",
so it fits in any JSON record; the key id names the key pair that opens it, which is how a
rotation knows what is re-sealed already.
"""

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from .encoding import SealError, from_text, to_text

PREFIX = "sealed:v1:"
_SEALED = re.compile(r"sealed:v1:([0-9a-f]{16}):([A-Za-z0-9_-]+)")
KEY_BYTES = 32

# The CMP keys a session or an operator holds: key id → private key. One entry, two while a
# rotation is under way (values under the old key and the new one both open).
Keyring = Mapping[str, bytes]


def key_id(public_key: bytes) -> str:
    """A short public name for a key pair: the start of a hash of its public key."""
    return hashlib.sha256(b"wegwijzer-key-id:" + bytes(public_key)).hexdigest()[:16]


@dataclass(frozen=True)
class KeyPair:
    """An X25519 key pair as raw bytes; repr never shows the private key."""

    public_key: bytes
    private_key: bytes = field(repr=False)

    @classmethod
    def generate(cls) -> "KeyPair":
        private = PrivateKey.generate()
        return cls(bytes(private.public_key), bytes(private))

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)


def _private(private_key: bytes) -> PrivateKey:
    if not isinstance(private_key, bytes) or len(private_key) != KEY_BYTES:
        raise SealError("damaged private key: it must be 32 bytes")
    return PrivateKey(private_key)


def _public(public_key: bytes) -> PublicKey:
    if not isinstance(public_key, bytes) or len(public_key) != KEY_BYTES:
        raise SealError("damaged public key: it must be 32 bytes")
    return PublicKey(public_key)


def public_key_of(private_key: bytes) -> bytes:
    """The public key that goes with a private key (to check a key opened from a wrap)."""
    return bytes(_private(private_key).public_key)


def seal(public_key: bytes, plaintext: bytes) -> bytes:
    """Seal bytes so that only the private key of `public_key` opens them."""
    return SealedBox(_public(public_key)).encrypt(bytes(plaintext))


def open_sealed(private_key: bytes, ciphertext: bytes) -> bytes:
    """The plaintext of seal(); SealError for a wrong key and for any change to the bytes."""
    try:
        return SealedBox(_private(private_key)).decrypt(bytes(ciphertext))
    except CryptoError as exc:
        raise SealError("cannot open: a wrong key, or the data was damaged or altered") from exc


def seal_value(public_key: bytes, value: Any) -> str:
    """Any JSON value sealed as text: "sealed:v1:<key id>:<base64>"."""
    plaintext = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return f"{PREFIX}{key_id(public_key)}:{to_text(seal(public_key, plaintext))}"


def seal_fields(public_key: bytes, fields: dict) -> str:
    """A concern's private fields (a dict) sealed as one text."""
    if not isinstance(fields, dict):
        raise TypeError("seal_fields seals a dict; use seal_value for other values")
    return seal_value(public_key, fields)


def is_sealed(value: Any) -> bool:
    """True for text made by seal_value() (well-formed; whether it opens is another matter)."""
    return isinstance(value, str) and _SEALED.fullmatch(value) is not None


def sealed_key_id(text: str) -> str:
    """The id of the key pair a sealed value was sealed to."""
    match = _SEALED.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise SealError("not a sealed value (damaged, or never sealed)")
    return match[1]


def _pick(keys: bytes | Keyring, wanted: str) -> bytes:
    """The private key for key id `wanted` from one key or a keyring, else a clear SealError."""
    if isinstance(keys, bytes):
        keys = {key_id(public_key_of(keys)): keys}
    if wanted not in keys:
        held = ", ".join(sorted(keys)) or "none"
        raise SealError(
            f"sealed under key {wanted}, which is not among the keys held ({held}); "
            "after a key rotation, sign in again"
        )
    return keys[wanted]


def _open_text(keys: bytes | Keyring, text: str) -> bytes:
    wanted = sealed_key_id(text)
    ciphertext = from_text(text.split(":", 3)[3], "sealed value")
    return open_sealed(_pick(keys, wanted), ciphertext)


def open_value(keys: bytes | Keyring, text: str) -> Any:
    """The JSON value of seal_value(), opened with a private key or a keyring."""
    plaintext = _open_text(keys, text)
    try:
        return json.loads(plaintext)
    except ValueError as exc:  # authenticated, so only a bug could get here
        raise SealError("the sealed value is not JSON") from exc


def open_fields(keys: bytes | Keyring, text: str) -> dict:
    """The dict of seal_fields()."""
    value = open_value(keys, text)
    if not isinstance(value, dict):
        raise SealError("the sealed value holds no fields")
    return value


def _reseal(text: str, keys: Keyring, public_key: bytes) -> str:
    plaintext = _open_text(keys, text)
    return f"{PREFIX}{key_id(public_key)}:{to_text(seal(public_key, plaintext))}"


@dataclass
class ResealCount:
    """What reseal_tree() did: values re-sealed, and values nobody here can open."""

    resealed: int = 0
    unopenable: int = 0


def reseal_tree(value: Any, keys: Keyring, public_key: bytes, count: ResealCount | None = None):
    """`value` (any JSON) with every sealed text not under `public_key` re-sealed to it.

    Returns (new value, ResealCount). A sealed text that does not open (damaged, or under a
    key not in `keys`) is kept as it is and counted: it cannot be recovered by anyone, and
    one such value must not stop a rotation of everything else.
    """
    count = count or ResealCount()
    target = key_id(public_key)
    if is_sealed(value):
        if sealed_key_id(value) == target:
            return value, count
        try:
            resealed = _reseal(value, keys, public_key)
        except SealError:
            count.unopenable += 1
            return value, count
        count.resealed += 1
        return resealed, count
    if isinstance(value, dict):
        return {k: reseal_tree(v, keys, public_key, count)[0] for k, v in value.items()}, count
    if isinstance(value, list):
        return [reseal_tree(v, keys, public_key, count)[0] for v in value], count
    return value, count
