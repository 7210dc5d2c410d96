"""The CMP keys at start-up (issue #10): a warning when there are none; the wrap cost."""

from flask import Flask

from .sealing import PASSWORD_LIMITS, Argon2Limits
from .storage import keys

NO_KEYS_WARNING = (
    "No keys: concerns are stored in plain text on this server's disk. Run "
    "`flask --app wsgi keys init` to seal them at rest (it also seals those stored so far)."
)


def warn_if_no_keys(app: Flask) -> None:
    """Once per start (not per request): without keys, concerns are stored plain."""
    if not keys.keys_exist(app.config["DATA_DIR"]):
        app.logger.warning(NO_KEYS_WARNING)


def wrap_limits(config) -> Argon2Limits:
    """argon2id's cost for wrapping an account's key with its password (tests set it lower)."""
    return config.get("KEY_WRAP_LIMITS") or PASSWORD_LIMITS
