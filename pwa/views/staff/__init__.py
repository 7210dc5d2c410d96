"""The CMP staff workspace under /staff/: one blueprint, signed in with password and TOTP.

Every request passes `guard()`: anonymous visitors only reach the sign-in page, and a
password without the second factor only reaches the TOTP steps.
"""

import datetime as dt

from flask import Blueprint, Flask, abort, current_app, g, redirect, request, session, url_for

from ...clock import now
from ...guidance import LOCALES
from ...i18n import LANGUAGE_NAMES
from ...sealing import (
    SealError,
    new_session_key,
    open_keyring_for_session,
    seal_keyring_for_session,
)
from ...storage import keys, staff
from . import cookies

bp = Blueprint("staff", __name__, url_prefix="/staff")

# Reachable without signing in.
OPEN_ENDPOINTS = {"staff.login"}
# Reachable with a password but no second factor yet (and only then).
SECOND_FACTOR_ENDPOINTS = {"staff.totp_setup", "staff.totp_verify"}
ANY_SIGNED_IN = {"staff.logout"}


def data_dir() -> str:
    return current_app.config["DATA_DIR"]


def sign_out() -> None:
    """End the server-side session, so any copy of the cookie stops working too."""
    state = session.get("staff") or {}
    if state.get("email") and state.get("sid"):
        staff.end_session(data_dir(), state["email"], state["sid"])
    session.clear()


def _load_signed_in() -> tuple[str | None, dict | None]:
    """The stage ('password' or 'full') and account of this request's valid session."""
    state = session.get("staff")
    if not state:
        return None, None
    account = staff.get_account(data_dir(), state.get("email", ""))
    moment = now()
    idle = dt.timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])
    last_seen = dt.datetime.fromtimestamp(state.get("seen", 0), dt.UTC)
    if not staff.session_is_valid(account, state.get("sid"), moment) or moment - last_seen > idle:
        sign_out()
        g.staff_expired = True
        return None, None
    state["seen"] = moment.timestamp()
    session["staff"] = state
    return state.get("stage"), account


def _second_factor_step(account: dict) -> str:
    return "staff.totp_verify" if account["totp_confirmed"] else "staff.totp_setup"


def session_keyring(account: dict | None) -> dict | None:
    """The CMP keys of this session: sealed on the server, their key in the cookie only."""
    state = session.get("staff") or {}
    sealed = staff.session_keys(account, state.get("sid"))
    if not (sealed and state.get("k")):
        return None
    try:
        return open_keyring_for_session(sealed, state["k"])
    except SealError:
        return None  # damaged, or a cookie from another session: no access, never an error


@bp.before_request
def guard():
    stage, account = _load_signed_in()
    g.staff = account if stage == "full" else None
    # What this request may open (None: no access); keys_exist: whether anything is sealed.
    g.keys = session_keyring(account) if stage == "full" else None
    g.keys_exist = keys.keys_exist(data_dir())
    g.lang = _staff_locale(account)
    endpoint = request.endpoint
    if endpoint in OPEN_ENDPOINTS:
        return None
    if stage is None:
        return redirect(url_for("staff.login"))
    if endpoint in ANY_SIGNED_IN:
        return None
    step = _second_factor_step(account)
    if stage == "password":
        return None if endpoint == step else redirect(url_for(step))
    if endpoint in SECOND_FACTOR_ENDPOINTS:
        return redirect(url_for("staff.inbox"))
    return None


def _staff_locale(account: dict | None) -> str:
    """The staff member's chosen language, else the browser's; the CMP works in Dutch."""
    if account and account.get("locale") in LOCALES:
        return account["locale"]
    return request.accept_languages.best_match(LOCALES) or "nl"


@bp.context_processor
def staff_helpers():
    return {
        "lang": g.get("lang", "nl"),
        "languages": LANGUAGE_NAMES,
        "staff_account": g.get("staff"),
        "t": lambda text: text(g.get("lang", "nl")),
    }


def require_admin() -> None:
    """Admins only (403 for other staff, who may still read what the page shows)."""
    if g.staff["role"] != "admin":
        abort(403)


def start_signed_in_session(email: str, stage: str, keyring: dict | None = None) -> None:
    """A fresh session (no fixation): new server-side id, stage, and activity time.

    With `keyring` (the CMP keys the account opened), a fresh session key in the cookie only
    and the keys sealed under it in the server-side session: neither alone opens anything.
    """
    sign_out()
    session_key = new_session_key() if keyring else None
    sealed = seal_keyring_for_session(keyring, session_key) if keyring else None
    session["staff"] = {
        "email": email,
        "sid": staff.start_session(data_dir(), email, now(), sealed_keys=sealed),
        "stage": stage,
        "seen": now().timestamp(),
    }
    if session_key:
        session["staff"]["k"] = session_key


def init_app(app: Flask) -> None:
    # The routes register themselves on bp.
    from . import (  # noqa: F401
        access,
        admin,
        auth,
        case_notes,
        cases,
        content_checks,
        content_edit,
        content_history,
        content_items,
        content_preview,
        content_publish,
        content_transfer,
        password,
    )

    cookies.init_app(app)
    app.register_blueprint(bp)
