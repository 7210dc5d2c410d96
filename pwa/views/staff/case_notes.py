"""A concern's internal notes and its links to concerns about the same pupil."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from ...storage import inbox as inbox_store
from . import bp, data_dir, now
from .cases import concern_or_404, opened_or_refuse, signed_in_email
from .forms import LinkForm, NoteForm, UnlinkForm
from .labels import FLOW_ERRORS


@bp.post("/concerns/<concern_id>/note")
def note(concern_id: str):
    if opened_or_refuse(concern_or_404(concern_id)) is None:
        return redirect(url_for("staff.concern", concern_id=concern_id))
    form = NoteForm()
    if form.validate_on_submit():
        inbox_store.add_note(data_dir(), concern_id, signed_in_email(), form.text.data, now())
        flash(_("Note added."), "info")
    else:
        flash(_("A note cannot be empty."), "error")
    return redirect(url_for("staff.concern", concern_id=concern_id))


@bp.post("/concerns/<concern_id>/link")
def link(concern_id: str):
    """Link a concern about the same pupil: a staff decision, never automatic."""
    concern_or_404(concern_id)
    form = LinkForm()
    other = inbox_store.find_by_reference(data_dir(), form.reference.data or "")
    if not form.validate_on_submit() or other is None:
        flash(_("No concern has that reference."), "error")
    elif other["id"] == concern_id:
        flash(FLOW_ERRORS["link_self"], "error")
    else:
        inbox_store.link_concerns(data_dir(), concern_id, other["id"], signed_in_email(), now())
        flash(_("Linked to %(reference)s.", reference=other["reference"]), "info")
    return redirect(url_for("staff.concern", concern_id=concern_id))


@bp.post("/concerns/<concern_id>/unlink")
def unlink(concern_id: str):
    concern_or_404(concern_id)
    form = UnlinkForm()
    if not form.validate_on_submit():
        abort(400)
    inbox_store.unlink_concerns(data_dir(), concern_id, form.other.data, signed_in_email(), now())
    flash(_("The link is removed."), "info")
    return redirect(url_for("staff.concern", concern_id=concern_id))
