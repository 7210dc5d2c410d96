"""Admins only: read the audit log, delete a concern for good."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...storage import audit
from ...storage import inbox as inbox_store
from . import bp, data_dir, now
from .cases import concern_or_404, signed_in_email
from .forms import DeleteForm

AUDIT_PER_PAGE = 50


@bp.post("/concerns/<concern_id>/delete")
def delete(concern_id: str):
    """Admins only: delete a concern for good (a mistaken or abusive entry)."""
    if g.staff["role"] != "admin":
        abort(403)
    record = concern_or_404(concern_id)
    form = DeleteForm()
    if not form.validate_on_submit() or not form.confirm.data:
        flash(_("Tick the box to confirm the deletion."), "error")
        return redirect(url_for("staff.concern", concern_id=concern_id))
    inbox_store.delete(data_dir(), concern_id, signed_in_email(), now())
    flash(_("Concern %(reference)s is deleted.", reference=record["reference"]), "info")
    return redirect(url_for("staff.inbox"))


@bp.get("/audit")
def audit_log():
    """Admins read who did what, when, to which concern."""
    if g.staff["role"] != "admin":
        abort(403)
    reference = request.args.get("reference", "").strip().upper()[:40] or None
    entries = audit.read_entries(data_dir(), reference)
    pages = max(1, -(-len(entries) // AUDIT_PER_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    shown = entries[(page - 1) * AUDIT_PER_PAGE : page * AUDIT_PER_PAGE]
    return render_template(
        "staff/audit.html", entries=shown, page=page, pages=pages, reference=reference or ""
    )
