"""A staff member changes their own password and keeps their access to the concerns.

Their account's key pair is wrapped with the password (pwa/storage/keys.py): it is wrapped
anew with the new one, so the CMP keys granted to it stay theirs. A reset on the server's
command line is different: that drops the key pair, and an admin grants access again.
"""

from flask import current_app, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _

from ...keys_status import wrap_limits
from ...sealing import SealError
from ...storage import audit, keys, staff
from . import bp, data_dir, now
from .forms import PasswordChangeForm


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    """Current password, new password twice; other sessions of the account end."""
    form = PasswordChangeForm()
    email = g.staff["email"]
    if form.validate_on_submit():
        if form.new.data != form.repeat.data:
            form.repeat.errors.append(_("The two new passwords are not the same."))
        elif staff.check_password(data_dir(), email, form.current.data) is None:
            form.current.errors.append(_("This is not your current password."))
        else:
            return _change(email, form.current.data, form.new.data)
    return render_template("staff/password.html", form=form), 400 if form.errors else 200


def _change(email: str, current: str, new: str):
    """Re-wrap the key pair first: a password that opened nothing would lock the keys out."""
    limits = wrap_limits(current_app.config)
    try:
        keys.rewrap_account(data_dir(), email, current, new, limits=limits)
    except SealError:
        # The key file is damaged: the password still changes; access needs a new grant.
        keys.drop_account_keypair(data_dir(), email)
    staff.reset_password(data_dir(), email, new, keep_session=session["staff"]["sid"])
    audit.record(data_dir(), email, "password-change", now=now())
    flash(_("Your password is changed. Your other sessions are signed out."), "info")
    return redirect(url_for("staff.inbox"))
