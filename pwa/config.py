"""Settings: safe defaults for running with no configuration, WEGWIJZER_* for production."""

import os
import secrets
from pathlib import Path

from flask import Flask

from . import rate_limit
from .paths import service_worker_file, translations_dir


def instance_path(test_config: dict | None) -> str | None:
    """WEGWIJZER_INSTANCE_DIR, or None for Flask's own (beside the package, or the venv's var/).

    The instance folder holds the app's own files (the secret key, the compiled catalogs),
    not data. A service whose install folder is read-only (ProtectSystem=strict in
    deploy/wegwijzer.service) points it at a writable folder of its own.
    """
    folder = os.environ.get("WEGWIJZER_INSTANCE_DIR") if test_config is None else None
    return os.path.abspath(folder) if folder else None


def _secret_key(instance: Path, data_dir: Path | None = None) -> str:
    """The instance's secret key, making one (mode 0600) on the very first run.

    A restored data folder may carry the key of the server it was backed up from (see
    `flask backup`): it comes first, or every receipt of its concerns would stop working.
    """
    restored = data_dir / "secret_key" if data_dir else None
    if restored and restored.exists():
        return restored.read_text().strip()
    path = instance / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    try:
        # O_EXCL: when two workers start at once, only one key is ever written.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    return key


def configure(app: Flask, test_config: dict | None) -> None:
    """Defaults, then WEGWIJZER_* environment variables (or the test's settings)."""
    instance = Path(app.instance_path)
    app.config.from_mapping(
        DATA_DIR=str(instance),
        # The guidance served until the CMP publishes its own (pwa/live_guidance.py).
        CONTENT_FILE=str(Path(app.root_path) / "content" / "guidance.toml"),
        TRANSLATIONS_DIR=str(translations_dir()),
        SERVICE_WORKER_FILE=str(service_worker_file()),
        BABEL_DEFAULT_LOCALE="nl",
        BABEL_DEFAULT_TIMEZONE="Europe/Brussels",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # None = automatic: Secure everywhere except plain local development on loopback
        # (see pwa/views/staff/cookies.py); WEGWIJZER_SESSION_COOKIE_SECURE=true forces it.
        SESSION_COOKIE_SECURE=None,
        # Staff are signed out after this many minutes without activity.
        STAFF_IDLE_MINUTES=30,
        # `flask purge` deletes concerns closed longer ago than this (two school years); the
        # privacy page says it in words.
        RETENTION_DAYS=730,
        # The workspace's Guidance page lists every item not verified for more than this many
        # months (a number, an hour, a person can change without anyone telling the app).
        VERIFY_MONTHS=12,
        # Who is responsible for the concerns' personal data (the GDPR's controller) and where
        # to ask about them, shown on the privacy page. Never guessed: the operator fills them in
        # (WEGWIJZER_CONTROLLER_NAME, WEGWIJZER_PRIVACY_CONTACT); until then the page says so
        # and the app warns at start-up (pwa/privacy.py).
        CONTROLLER_NAME=None,
        PRIVACY_CONTACT=None,
        # argon2id's cost when an account's key is wrapped with its password (None: the
        # sealing package's PASSWORD_LIMITS, ~0.4 s; the tests pass Argon2Limits(1, 8192)).
        KEY_WRAP_LIMITS=None,
        # Number of reverse proxies in front of the app (0: clients connect directly).
        PROXY_COUNT=0,
        # Concerns one client address may send per period; 0 or "off" for load tests
        # (pwa/rate_limit.py says what counts, and the CSRF tokens' allowance).
        RATE_LIMIT="30/hour",
        MAX_CONTENT_LENGTH=64 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        # Flask-WTF's HTTPS check wants a Referer header, but every page sends
        # Referrer-Policy: no-referrer. The CSRF token and the SameSite=Lax session cookie
        # protect the forms; without this, no form could be posted over HTTPS.
        WTF_CSRF_SSL_STRICT=False,
        COMPRESS_MIMETYPES=[
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/manifest+json",
            "image/svg+xml",
        ],
        COMPRESS_ALGORITHM=["br", "gzip"],
    )
    if test_config is None:
        # WEGWIJZER_SECRET_KEY -> SECRET_KEY, WEGWIJZER_DATA_DIR -> DATA_DIR, ...
        app.config.from_prefixed_env("WEGWIJZER")
    else:
        app.config.update(test_config)
    instance.mkdir(parents=True, exist_ok=True)
    # Owner only: it holds concerns about minors (`flask check` verifies it).
    Path(app.config["DATA_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance, Path(app.config["DATA_DIR"]))
    _check_privacy_settings(app)
    _positive_whole_number(app, "VERIFY_MONTHS", "months")
    rate_limit.parse(app.config["RATE_LIMIT"])  # a bad value stops the start, saying why


def _positive_whole_number(app: Flask, key: str, unit: str) -> None:
    """A count setting (days, months): a whole number, at least 1, or the start stops."""
    value = app.config[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(
            f"WEGWIJZER_{key} must be a whole number of {unit}, at least 1 (not {value!r})"
        )


def _check_privacy_settings(app: Flask) -> None:
    """Texts as stripped strings (empty: not set); the retention a whole number of days."""
    for key in ("CONTROLLER_NAME", "PRIVACY_CONTACT"):
        value = app.config.get(key)
        # from_prefixed_env reads JSON where it can: WEGWIJZER_PRIVACY_CONTACT=123 is an int.
        text = "" if value is None else str(value).strip()
        app.config[key] = text or None
    _positive_whole_number(app, "RETENTION_DAYS", "days")
