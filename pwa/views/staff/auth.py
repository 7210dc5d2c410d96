"""Sign-in: password, then the TOTP second factor (set up with a QR code on first sign-in)."""

import io

import segno
from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from ...guidance import LOCALES
from ...i18n import LANGUAGE_NAMES
from ...keys_status import wrap_limits
from ...sealing import SealError
from ...storage import audit, keys, staff, throttle
from . import bp, data_dir, now, session_keyring, sign_out, start_signed_in_session
from .forms import CodeForm, LanguageForm, LoginForm, PostForm


def _throttle_keys(email: str) -> list[str]:
    return throttle.throttle_keys(email, request.remote_addr)


def _refuse_locked():
    flash(_("Too many failed attempts. Try again in 15 minutes."), "error")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Step one: e-mail and password. The answer never tells whether an account exists."""
    if g.get("staff"):
        return redirect(url_for("staff.inbox"))
    if g.get("staff_expired"):
        flash(_("You were signed out after 30 minutes without activity."), "info")
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email = staff.normalise_email(form.email.data)
        keys = _throttle_keys(email)
        if throttle.locked_out(data_dir(), keys, now()):
            _refuse_locked()
            status = 429
        else:
            account = staff.check_password(data_dir(), email, form.password.data)
            if account is None:
                throttle.record_failure(data_dir(), keys, now())
                audit.record(data_dir(), email[:254], "sign-in-failed", now=now())
                flash(_("Sign-in failed: the e-mail address or the password is wrong."), "error")
                status = 401
            else:
                start_signed_in_session(email, "password", _open_keys(email, form.password.data))
                step = "staff.totp_verify" if account["totp_confirmed"] else "staff.totp_setup"
                return redirect(url_for(step))
    elif request.method == "POST":
        status = 400
    return render_template("staff/login.html", form=form), status


def _open_keys(email: str, password: str) -> dict | None:
    """The CMP keys this account may open (None: no access yet), while the password is here.

    The first sign-in makes the account's key pair, which an admin can then grant access to.
    The password itself is never kept: only the keys, sealed in the session (see __init__).
    """
    limits = wrap_limits(current_app.config)
    keys.ensure_account_keypair(data_dir(), email, password, limits=limits, now=now())
    try:
        return keys.open_cmp_key(data_dir(), email, password)
    except (SealError, keys.KeysError):
        # A damaged key file: the account signs in without access and an admin grants it anew.
        current_app.logger.warning("The key file of a staff account does not open: %s", email)
        return None


def _qr_svg(uri: str) -> Markup:
    """The provisioning URI as an SVG QR code drawn here: the key never leaves the app."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(
        buffer, kind="svg", xmldecl=False, svgns=True, svgclass="qr", omitsize=True, border=4
    )
    # Our own markup (no user data in it): safe to insert as is.
    return Markup(buffer.getvalue().decode())  # noqa: S704


def _check_code(form: CodeForm, email: str) -> bool:
    """Verify the code under the same throttle as the password."""
    keys = _throttle_keys(email)
    if throttle.locked_out(data_dir(), keys, now()):
        _refuse_locked()
        return False
    if staff.check_totp(data_dir(), email, form.code.data, now()):
        throttle.clear_failures(data_dir(), keys[0])
        return True
    throttle.record_failure(data_dir(), keys, now())
    audit.record(data_dir(), email, "sign-in-code-failed", now=now())
    flash(_("That code is not right (or was already used). Try the next one."), "error")
    return False


def _complete_sign_in(email: str):
    account = staff.get_account(data_dir(), email)
    # The keys opened at the password step move to the full session, under a new session key.
    start_signed_in_session(email, "full", session_keyring(account))
    # "New" in the inbox means: arrived since the previous sign-in's visit.
    session["staff"] = {
        **session["staff"],
        "new_since": staff.mark_inbox_visit(data_dir(), email, now()),
    }
    audit.record(data_dir(), email, "sign-in", now=now())
    g.staff = account
    return redirect(url_for("staff.inbox"))


@bp.route("/totp/setup", methods=["GET", "POST"])
def totp_setup():
    """First sign-in: scan the QR code (or type the key), then confirm with a first code."""
    email = session["staff"]["email"]
    secret = staff.totp_secret_for_setup(data_dir(), email)
    form = CodeForm()
    if form.validate_on_submit() and _check_code(form, email):
        return _complete_sign_in(email)
    key_groups = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render_template(
        "staff/totp_setup.html",
        form=form,
        qr=_qr_svg(staff.totp_uri(email, secret)),
        key_groups=key_groups,
        email=email,
    )


@bp.route("/totp", methods=["GET", "POST"])
def totp_verify():
    """Every later sign-in: the code from the authenticator app."""
    email = session["staff"]["email"]
    form = CodeForm()
    if form.validate_on_submit() and _check_code(form, email):
        return _complete_sign_in(email)
    return render_template("staff/totp_verify.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out: the server forgets the session, so a copied cookie no longer works."""
    if not PostForm().validate_on_submit():
        abort(400)
    email = session.get("staff", {}).get("email")
    sign_out()
    if email:
        audit.record(data_dir(), email, "sign-out", now=now())
    flash(_("You are signed out."), "info")
    return redirect(url_for("staff.login"))


def language_form() -> LanguageForm:
    form = LanguageForm(locale=g.get("lang"))
    form.locale.choices = [SelectChoice(code, LANGUAGE_NAMES[code]) for code in LOCALES]
    return form


@bp.post("/language")
def language():
    """Remember the staff member's language for the workspace."""
    form = language_form()
    if not form.validate_on_submit():
        abort(400)
    staff.set_locale(data_dir(), g.staff["email"], form.locale.data)
    return redirect(url_for("staff.inbox"))
