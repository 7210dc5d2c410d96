"""The follow-up agreement sealed to the reporter's phone: ECIES over P-256 with vetted parts.

The phone makes a P-256 key pair with WebCrypto (pwa/static/receipt-key.js); its private key
never leaves the device. It sends the public key with the concern as `receipt_key`: the raw
uncompressed point (SEC 1, 65 bytes, as WebCrypto exports it) in base64url without padding.
For every agreement the server makes a fresh ephemeral P-256 key pair and computes:

    secret = ECDH(ephemeral private key, phone's public key)     the 32-byte x coordinate
    key    = HKDF-SHA256(secret, salt: none, info: INFO || ephemeral point || phone's point)
    sealed = AES-256-GCM(key, random 96-bit nonce, agreement as UTF-8, no associated data)

No salt: a fresh ephemeral key makes every shared secret new already, which is what a salt
would add. Both public keys in `info` bind the AES key to this pair of keys (as HPKE does).
The server keeps no private key: it can seal for the phone, never open what it sealed.

The sealed form (JSON-ready, bytes in base64url without padding):
    {"version": 1, "ephemeral_key": <65-byte point>, "nonce": <12 bytes>,
     "ciphertext": <the agreement's ciphertext followed by GCM's 16-byte tag>}
"""

import base64
import os
import re

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

VERSION = 1
INFO = b"wegwijzer receipt v1"
POINT_BYTES = 65  # 0x04, then x and y of 32 bytes each
KEY_TEXT_LENGTH = 87  # 65 bytes in base64url without padding
NONCE_BYTES = 12
BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


class InvalidPhoneKey(ValueError):
    """Not a P-256 public key as the phone sends it; `reason` says what is wrong."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "encoding", "not_p256" or "not_on_curve"


def to_base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_base64url(text: str) -> bytes:
    """Strict base64url without padding: any other text (or a non-canonical one) is refused."""
    if not isinstance(text, str) or not BASE64URL.fullmatch(text):
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if to_base64url(data) != text:  # leftover bits: another text would decode the same
        raise ValueError("not canonical base64url")
    return data


def point_of(public_key: ec.EllipticCurvePublicKey) -> bytes:
    return public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


def parse_phone_key(text) -> ec.EllipticCurvePublicKey:
    """The phone's public key from its base64url text; InvalidPhoneKey unless a P-256 point."""
    if not isinstance(text, str):
        raise InvalidPhoneKey("encoding")
    if len(text) != KEY_TEXT_LENGTH:  # checked first: a huge text is never decoded
        raise InvalidPhoneKey("not_p256")
    try:
        point = from_base64url(text)
    except ValueError:
        raise InvalidPhoneKey("encoding") from None
    if point[0] != 0x04:  # compressed or the point at infinity: not what WebCrypto sends
        raise InvalidPhoneKey("not_p256")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:  # OpenSSL checks that the point is on the curve
        raise InvalidPhoneKey("not_on_curve") from None


def derive_key(secret: bytes, ephemeral_point: bytes, phone_point: bytes) -> bytes:
    """The AES-256-GCM key for one sealed agreement (both sides compute it so)."""
    info = INFO + ephemeral_point + phone_point
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def seal_for_phone(public_key: ec.EllipticCurvePublicKey, plaintext: str) -> dict:
    """The text sealed so that only the holder of the phone's private key can read it."""
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    ephemeral_point = point_of(ephemeral.public_key())
    secret = ephemeral.exchange(ec.ECDH(), public_key)
    key = derive_key(secret, ephemeral_point, point_of(public_key))
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), None)
    return {
        "version": VERSION,
        "ephemeral_key": to_base64url(ephemeral_point),
        "nonce": to_base64url(nonce),
        "ciphertext": to_base64url(ciphertext),
    }
