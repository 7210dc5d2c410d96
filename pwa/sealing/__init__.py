"""Sealing at rest (issue #10): libsodium's vetted boxes, composed in the standard ways only.

No Flask and no files here, only bytes and text in, bytes and text out:
- boxes: the CMP key pair, sealing to its public key (sealed box: X25519 + XSalsa20-Poly1305)
  and the "sealed:v1:<key id>:..." text a JSON record stores; re-sealing for a key rotation
- wrapping: a secret under a key derived from a password (argon2id) or under a random key
  (secret box), as a JSON-ready dict
- recovery: the recovery key as one copyable token with a checksum
- sessions: the CMP keys between requests, under a key that lives only in the staff cookie
Every failure to open is a SealError with a message for a person; nothing ever returns wrong
plaintext (every box is authenticated).
"""

from .boxes import (
    KeyPair,
    Keyring,
    SealError,
    is_sealed,
    key_id,
    open_fields,
    open_sealed,
    open_value,
    public_key_of,
    reseal_tree,
    seal,
    seal_fields,
    seal_value,
    sealed_key_id,
)
from .encoding import from_text, to_text
from .recovery import RecoveryTokenError, new_recovery_key, parse_recovery_token, recovery_token
from .sessions import new_session_key, open_keyring_for_session, seal_keyring_for_session
from .wrapping import (
    PASSWORD_LIMITS,
    Argon2Limits,
    unwrap_with_key,
    unwrap_with_password,
    wrap_with_key,
    wrap_with_password,
)

__all__ = [
    "PASSWORD_LIMITS",
    "Argon2Limits",
    "KeyPair",
    "Keyring",
    "RecoveryTokenError",
    "SealError",
    "from_text",
    "is_sealed",
    "key_id",
    "new_recovery_key",
    "new_session_key",
    "open_fields",
    "open_keyring_for_session",
    "open_sealed",
    "open_value",
    "parse_recovery_token",
    "public_key_of",
    "recovery_token",
    "reseal_tree",
    "seal",
    "seal_fields",
    "seal_keyring_for_session",
    "seal_value",
    "sealed_key_id",
    "to_text",
    "unwrap_with_key",
    "unwrap_with_password",
    "wrap_with_key",
    "wrap_with_password",
]
