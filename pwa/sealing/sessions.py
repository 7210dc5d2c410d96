"""The CMP keys between requests: encrypted under a key that only the staff cookie carries.

The server-side session record holds seal_keyring_for_session()'s text; the cookie holds the
session key. Neither alone opens anything, so a copy of the disk (sessions included) reveals no
key, and a signed-out or expired session leaves only text that nothing can open any more.
"""

import json

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox
from nacl.utils import random

from .boxes import Keyring, key_id, public_key_of
from .encoding import SealError, from_text, to_text

SESSION_KEY_BYTES = SecretBox.KEY_SIZE
EXPIRED = "the session's keys do not open: sign in again"


def new_session_key() -> str:
    """A fresh random key for one session, as URL-safe text for the cookie."""
    return to_text(random(SESSION_KEY_BYTES))


def _key(session_key: str) -> bytes:
    key = from_text(session_key, "session key")
    if len(key) != SESSION_KEY_BYTES:
        raise SealError(EXPIRED)
    return key


def seal_keyring_for_session(keys: Keyring, session_key: str) -> str:
    """The keyring encrypted under the session key (secret box), as text for the session."""
    plain = json.dumps({kid: to_text(private) for kid, private in keys.items()}).encode()
    return to_text(SecretBox(_key(session_key)).encrypt(plain))  # random nonce + ciphertext


def open_keyring_for_session(text: str, session_key: str) -> dict[str, bytes]:
    """The keyring back; SealError "sign in again" for a wrong key or a damaged record."""
    try:
        plain = SecretBox(_key(session_key)).decrypt(from_text(text, "session keys"))
        keys = {kid: from_text(value) for kid, value in json.loads(plain).items()}
        matches = all(key_id(public_key_of(private)) == kid for kid, private in keys.items())
    except (CryptoError, SealError, ValueError, TypeError, AttributeError) as exc:
        raise SealError(EXPIRED) from exc
    if not matches:
        raise SealError(EXPIRED)
    return keys
