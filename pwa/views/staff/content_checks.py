"""Admins keep the guidance's facts current: re-verify an item unchanged, list closing days.

Both land in the draft like any edit, and are audited by item (never with the texts).
"""

import datetime as dt

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _

from ...guidance import ContentError
from ...guidance_closing_days import add_closing_days, remove_closing_days
from ...guidance_edits import EditError, reverify
from . import bp, require_admin
from .content_edit import EDIT_ERRORS, SAVED, redirect_back, save_edit, today, working_content
from .content_forms import ClosingDaysForm, RemoveClosingDaysForm, VerifyForm, texts
from .content_items import render_contact

KINDS = {"emergency", "region", "contact", "step"}


@bp.post("/content/verify")
def content_verify():
    """Checked again and still true: today's date and this admin, the item itself unchanged."""
    require_admin()
    form = VerifyForm()
    if not form.validate_on_submit() or form.kind.data not in KINDS:
        abort(400)
    kind, region_id, item_id = form.kind.data, form.region.data or None, form.item.data or None
    copy, _content, _error = working_content()
    try:
        new_text = reverify(copy.text, kind, region_id, item_id, g.staff["email"], today())
        where = " ".join(filter(None, (kind, "/".join(filter(None, (region_id, item_id))))))
        changed = save_edit(copy.text, new_text, "content-verify", where)
    except EditError:
        abort(404)
    except ContentError as exc:
        flash(_("Nothing was saved: %(problem)s", problem=str(exc)), "error")
        return redirect_back(kind, region_id, item_id, form.back.data)
    if changed:
        flash(_("Marked as checked today, by you.") + " " + str(SAVED), "info")
    else:
        flash(_("You already marked it as checked today."), "info")
    return redirect_back(kind, region_id, item_id, form.back.data)


def _with_hours_or_404(region_id: str, contact_id: str):
    """Closing days belong to a contact with opening hours (the CMP)."""
    _copy, content, _error = working_content()
    region = content.regions.get(region_id) or abort(404)
    contact = next((c for c in region.contacts if c.id == contact_id), None) or abort(404)
    return contact if contact.hours else abort(404)


def _contact_page(region_id: str, contact_id: str):
    url = url_for("staff.content_contact", region_id=region_id, contact_id=contact_id)
    return redirect(f"{url}#closing-days")


@bp.post("/content/<region_id>/contacts/<contact_id>/closing-days")
def content_closing_add(region_id: str, contact_id: str):
    """Add a day or a range of days the contact is closed, with a reason in three languages."""
    require_admin()
    _with_hours_or_404(region_id, contact_id)
    form = ClosingDaysForm(today=today())
    if not form.validate_on_submit():
        return render_contact(region_id, contact_id, closing_form=form, status=400)
    copy, _content, _error = working_content()
    first, last = form.first.data, form.last.data or form.first.data
    try:
        new_text = add_closing_days(
            copy.text, region_id, contact_id, first, last, texts(form.reason.form)
        )
        where = f"contact {region_id}/{contact_id}: added"
        save_edit(copy.text, new_text, "content-closing-days", where)
    except EditError as exc:
        form.first.errors = [*form.first.errors, EDIT_ERRORS.get(str(exc), str(exc))]
        return render_contact(region_id, contact_id, closing_form=form, status=400)
    except ContentError as exc:
        message = _("Nothing was saved: %(problem)s", problem=str(exc))
        return render_contact(region_id, contact_id, closing_form=form, error=message, status=400)
    flash(SAVED, "info")
    return _contact_page(region_id, contact_id)


@bp.post("/content/<region_id>/contacts/<contact_id>/closing-days/remove")
def content_closing_remove(region_id: str, contact_id: str):
    """Remove the closing days that start on the given date."""
    require_admin()
    _with_hours_or_404(region_id, contact_id)
    form = RemoveClosingDaysForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        first = dt.date.fromisoformat(form.first.data)
    except ValueError:
        abort(400)
    copy, _content, _error = working_content()
    try:
        new_text = remove_closing_days(copy.text, region_id, contact_id, first)
        where = f"contact {region_id}/{contact_id}: removed"
        save_edit(copy.text, new_text, "content-closing-days", where)
    except EditError:
        flash(_("These closing days were already removed."), "info")
        return _contact_page(region_id, contact_id)
    except ContentError as exc:
        flash(_("Nothing was saved: %(problem)s", problem=str(exc)), "error")
        return _contact_page(region_id, contact_id)
    flash(SAVED, "info")
    return _contact_page(region_id, contact_id)
