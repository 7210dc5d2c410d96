"""The recovery key as one copyable token, with a checksum that tells a typo from a wrong key.

wegwijzer-recovery-XXXX-XXXX-... : 32 random bytes (the key) and 3 bytes of checksum, in
base32 (A-Z, 2-7: no 0/O or 1/l to confuse), 14 groups of 4. A random typo passes the checksum
once in 16.7 million; a token that passes but opens nothing is another deployment's key, or
one that a rotation has replaced.
"""

import base64
import hashlib
import hmac

from nacl.utils import random

from .encoding import SealError

TOKEN_PREFIX = "wegwijzer-recovery-"  # noqa: S105 (a label, not a secret)
KEY_BYTES = 32
CHECK_BYTES = 3
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_LENGTH = (KEY_BYTES + CHECK_BYTES) * 8 // 5  # 56 characters, no base32 padding
GROUP = 4


class RecoveryTokenError(SealError):
    """Not a recovery token: its shape is wrong or it has a typo (it was never tried as a key)."""


def _checksum(key: bytes) -> bytes:
    return hashlib.sha256(b"wegwijzer-recovery-v1:" + key).digest()[:CHECK_BYTES]


def recovery_token(key: bytes) -> str:
    """The token that carries `key`."""
    body = base64.b32encode(bytes(key) + _checksum(bytes(key))).decode("ascii")
    return TOKEN_PREFIX + "-".join(body[i : i + GROUP] for i in range(0, len(body), GROUP))


def new_recovery_key() -> tuple[str, bytes]:
    """A fresh random recovery key: (the token to show once, the key)."""
    key = random(KEY_BYTES)
    return recovery_token(key), key


def parse_recovery_token(token: str) -> bytes:
    """The key in a token; RecoveryTokenError saying what is wrong with a malformed one.

    Case, spaces and line breaks (a token copied over two lines) do not count. No message
    ever repeats the token.
    """
    text = "".join(str(token or "").split()).lower()
    if not text.startswith(TOKEN_PREFIX):
        raise RecoveryTokenError(f"not a recovery token: a recovery token starts {TOKEN_PREFIX}")
    body = text.removeprefix(TOKEN_PREFIX).replace("-", "").upper()
    strange = sorted(set(body) - set(ALPHABET))
    if strange:
        raise RecoveryTokenError(
            f"not a recovery token: it contains {' '.join(strange)}, and a token has only the "
            "letters A-Z and the digits 2-7"
        )
    if len(body) != _LENGTH:
        raise RecoveryTokenError(
            f"not a whole recovery token: it has {len(body)} letters and digits after the "
            f"prefix instead of {_LENGTH} (part missing, or pasted twice?)"
        )
    raw = base64.b32decode(body)
    key, check = raw[:KEY_BYTES], raw[KEY_BYTES:]
    if not hmac.compare_digest(check, _checksum(key)):
        raise RecoveryTokenError(
            "the recovery token has a typo (its checksum does not match): compare it character "
            "by character with the one you stored"
        )
    return key
