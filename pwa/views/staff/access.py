"""Admins only: which accounts can open the concerns, and granting or revoking that access."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...storage import audit, keys, staff
from . import bp, data_dir, now, require_admin
from .forms import AccessForm

STATUS_WORDS = {
    "granted": _l("Has access"),
    "not-granted": _l("No access: not granted"),
    "no-keypair": _l("Must sign in once (then an admin can grant access)"),
    "no-keys": _l("No keys yet: concerns are not sealed"),
}


@bp.get("/access")
def access():
    """Each account and whether it can open the concerns."""
    require_admin()
    accounts = [
        {**account, "access": keys.access_status(data_dir(), account["email"])}
        for account in staff.list_accounts(data_dir())
    ]
    return render_template(
        "staff/access.html",
        accounts=accounts,
        words=STATUS_WORDS,
        form=AccessForm(formdata=None),
        can_grant=bool(g.keys),
        keys_exist=g.keys_exist,
    )


def _account_from_form() -> str:
    form = AccessForm()
    if not form.validate_on_submit():
        abort(400)
    email = staff.normalise_email(form.email.data)
    if staff.get_account(data_dir(), email) is None:
        abort(404)
    return email


@bp.post("/access/grant")
def access_grant():
    """Give an account access, with the CMP keys of the admin's own session."""
    require_admin()
    email = _account_from_form()
    status = keys.access_status(data_dir(), email)
    if not g.keys:
        flash(_("You have no access yourself, so you cannot grant it."), "error")
    elif status == "no-keypair":
        flash(_("%(email)s must sign in once before access can be granted.", email=email), "error")
    elif staff.get_account(data_dir(), email)["disabled"]:
        flash(_("%(email)s is disabled: enable the account first.", email=email), "error")
    else:
        try:
            keys.grant(data_dir(), email, g.keys)
        except keys.KeysError:
            flash(_("Access could not be granted: sign in again and retry."), "error")
        else:
            audit.record(data_dir(), g.staff["email"], "keys-grant", detail=email, now=now())
            flash(_("%(email)s can open the concerns from their next sign-in.", email=email))
    return redirect(url_for("staff.access"))


@bp.post("/access/revoke")
def access_revoke():
    """Take an account's access away; its sessions end at once."""
    require_admin()
    email = _account_from_form()
    if email == g.staff["email"]:
        # Another admin does it: revoking oneself would end this very session's access.
        flash(_("You cannot revoke your own access; ask another admin."), "error")
    elif keys.keys_exist(data_dir()) and keys.revoke(data_dir(), email):
        audit.record(data_dir(), g.staff["email"], "keys-revoke", detail=email, now=now())
        flash(_("%(email)s can no longer open the concerns; their sessions ended.", email=email))
    else:
        flash(_("%(email)s had no access; nothing changed.", email=email))
    return redirect(url_for("staff.access"))
