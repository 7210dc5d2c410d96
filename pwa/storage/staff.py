"""CMP staff accounts: argon2 passwords, TOTP second factor and sign-in sessions."""

import contextlib
import datetime as dt
import secrets
from pathlib import Path

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from tinydb import Query

from .atomic import locked, open_db
from .clock import parse_time, timestamp, utc_now

ROLES = ("staff", "admin")
MIN_PASSWORD_LENGTH = 12
# A sign-in is good for a working day at most, however active; idle expiry is checked per request.
SESSION_MAX_AGE = dt.timedelta(hours=12)

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when an account does not exist, so both cases take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A request about an account that cannot be honoured (message is for the operator)."""


def _folder(data_dir) -> Path:
    return Path(data_dir) / "staff"


def _accounts(data_dir):
    return open_db(_folder(data_dir) / "accounts.json").table("accounts")


def normalise_email(email: str) -> str:
    """One spelling per address: trimmed and lower-cased."""
    return (email or "").strip().lower()


def check_password_rules(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def create_account(data_dir, email: str, password: str, role: str) -> dict:
    """Add an account; its second factor is set up at the first sign-in."""
    email = normalise_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise AccountError(f"not a valid e-mail address: {exc}") from exc
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    check_password_rules(password)
    account = {
        "email": email,
        "role": role,
        "password_hash": _hasher.hash(password),
        "totp_secret": None,
        "totp_confirmed": False,
        "totp_last_counter": -1,
        "disabled": False,
        "sessions": {},
        "last_inbox_visit": None,
        "locale": None,
        "created_at": timestamp(),
    }
    with locked(_folder(data_dir), "staff"):
        table = _accounts(data_dir)
        if table.get(Query().email == email):
            raise AccountError(f"an account for {email} already exists")
        table.insert(account)
    return account


def get_account(data_dir, email: str) -> dict | None:
    found = _accounts(data_dir).get(Query().email == normalise_email(email))
    return dict(found) if found else None


def list_accounts(data_dir) -> list[dict]:
    return sorted((dict(a) for a in _accounts(data_dir).all()), key=lambda a: a["email"])


def _update(data_dir, email: str, change) -> dict:
    """Read-modify-write one account under the lock."""
    email = normalise_email(email)
    with locked(_folder(data_dir), "staff"):
        table = _accounts(data_dir)
        account = table.get(Query().email == email)
        if account is None:
            raise AccountError(f"no account for {email}")
        account = dict(account)
        change(account)
        table.update(account, Query().email == email)
    return account


def _end_sessions(account: dict) -> None:
    """Every session gone, and with it each session's sealed CMP keys."""
    account["sessions"] = {}
    account["session_keys"] = {}


def set_disabled(data_dir, email: str, disabled: bool) -> dict:
    """Disable (or enable) an account; disabling also ends every open session."""

    def change(account):
        account["disabled"] = disabled
        if disabled:
            _end_sessions(account)

    return _update(data_dir, email, change)


def reset_password(
    data_dir, email: str, password: str, reset_totp: bool = False, keep_session: str = ""
) -> dict:
    """New password, every session ended but `keep_session` (the owner's own, when they change
    it); the second factor stays unless asked to reset it."""
    check_password_rules(password)

    def change(account):
        account["password_hash"] = _hasher.hash(password)
        kept = (
            account["sessions"].get(keep_session),
            account.get("session_keys", {}).get(keep_session),
        )
        _end_sessions(account)
        if kept[0]:
            account["sessions"][keep_session] = kept[0]
            if kept[1]:
                account["session_keys"][keep_session] = kept[1]
        if reset_totp:
            account.update(totp_secret=None, totp_confirmed=False, totp_last_counter=-1)

    return _update(data_dir, email, change)


def check_password(data_dir, email: str, password: str) -> dict | None:
    """The account if the password is right and the account active; otherwise None.

    Unknown, disabled and wrong-password cases take the same time and give the same answer.
    """
    account = get_account(data_dir, email)
    try:
        _hasher.verify(account["password_hash"] if account else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if account is None or account["disabled"]:
        return None
    if _hasher.check_needs_rehash(account["password_hash"]):
        new_hash = _hasher.hash(password)
        _update(data_dir, email, lambda a: a.update(password_hash=new_hash))
    return account


def totp_secret_for_setup(data_dir, email: str) -> str:
    """The pending secret to scan (made once, kept until a first code confirms it)."""
    account = get_account(data_dir, email)
    if account is None or account["totp_confirmed"]:
        raise AccountError("the second factor is already set up")
    if account["totp_secret"]:
        return account["totp_secret"]
    secret = pyotp.random_base32()
    _update(data_dir, email, lambda a: a.update(totp_secret=a["totp_secret"] or secret))
    return get_account(data_dir, email)["totp_secret"]


def totp_uri(email: str, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name="Wegwijzer CMP")


def check_totp(data_dir, email: str, code: str, now: dt.datetime | None = None) -> bool:
    """Accept a code once (no replay); the first good code also confirms the second factor."""
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6):
        return False
    moment = utc_now(now)
    accepted = {}

    def change(account):
        secret = account.get("totp_secret")
        if not secret:
            return
        totp = pyotp.TOTP(secret)
        current = totp.timecode(moment)
        for counter in (current - 1, current, current + 1):  # one step of clock drift
            if counter > account["totp_last_counter"] and secrets.compare_digest(
                totp.generate_otp(counter), code
            ):
                account["totp_last_counter"] = counter
                account["totp_confirmed"] = True
                accepted["ok"] = True
                return

    try:
        _update(data_dir, email, change)
    except AccountError:
        return False
    return bool(accepted)


def start_session(
    data_dir, email: str, now: dt.datetime | None = None, sealed_keys: str | None = None
) -> str:
    """A new server-side session id; the cookie carries it, sign-out removes it.

    `sealed_keys`: the CMP keys sealed under a key that only this session's cookie holds
    (sealing.seal_keyring_for_session), kept with the session and removed with it.
    """
    moment = utc_now(now)
    session_id = secrets.token_urlsafe(24)

    def change(account):
        alive = {
            sid: started
            for sid, started in account.get("sessions", {}).items()
            if moment - parse_time(started) < SESSION_MAX_AGE
        }
        alive[session_id] = timestamp(moment)
        account["sessions"] = alive
        kept = account.get("session_keys", {})
        account["session_keys"] = {sid: text for sid, text in kept.items() if sid in alive}
        if sealed_keys:
            account["session_keys"][session_id] = sealed_keys

    _update(data_dir, email, change)
    return session_id


def session_is_valid(account: dict | None, session_id: str, now: dt.datetime | None = None) -> bool:
    if not account or account["disabled"] or not session_id:
        return False
    started = account.get("sessions", {}).get(session_id)
    if started is None:
        return False
    return utc_now(now) - parse_time(started) < SESSION_MAX_AGE


def session_keys(account: dict | None, session_id: str) -> str | None:
    """The session's sealed CMP keys (None: the account has no access, or no such session)."""
    return ((account or {}).get("session_keys") or {}).get(session_id)


def end_session(data_dir, email: str, session_id: str) -> None:
    def change(account):
        account["sessions"].pop(session_id, None)
        account.setdefault("session_keys", {}).pop(session_id, None)

    with contextlib.suppress(AccountError):  # the account was removed meanwhile
        _update(data_dir, email, change)


def end_all_sessions(data_dir, email: str) -> None:
    """Sign the account out everywhere (its access to the concerns was revoked)."""
    with contextlib.suppress(AccountError):
        _update(data_dir, email, _end_sessions)


def mark_inbox_visit(data_dir, email: str, now: dt.datetime | None = None) -> str | None:
    """Record this visit to the inbox; returns the previous one (what is 'new' is newer)."""
    previous = {}

    def change(account):
        previous["at"] = account.get("last_inbox_visit")
        account["last_inbox_visit"] = timestamp(now)

    _update(data_dir, email, change)
    return previous["at"]


def set_locale(data_dir, email: str, locale: str | None) -> None:
    _update(data_dir, email, lambda a: a.update(locale=locale))
