"""A contact's and a step's (or situation's) page: read by all staff, edited by admins.

Post/Redirect/Get: a saved edit redirects to the item's page, which shows the draft's values
(the phone in its local form); a refused edit shows the form again with the errors and
changes nothing.
"""

from babel import Locale
from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...guidance import WEEKDAYS, ContentError
from ...guidance_closing_days import closing_days
from ...guidance_edits import (
    RECORDED_CHECKLISTS,
    EditError,
    edit_contact,
    edit_step,
)
from ...i18n import FORMAT_LOCALES
from . import bp, require_admin
from .content_edit import (
    EDIT_ERRORS,
    can_edit,
    draft_problem,
    find_region,
    flash_saved,
    save_edit,
    source_title,
    today,
    working_content,
)
from .content_forms import ClosingDaysForm, ContactForm, StepForm, texts


def _contact_or_404(content, region_id: str, contact_id: str):
    region = find_region(content, region_id)
    contact = next((c for c in region.contacts if c.id == contact_id), None) or abort(404)
    return region, contact


def _contact_data(contact) -> dict:
    """The form's starting values: the item as it is, plus one empty row to add hours."""
    rows = [
        {
            "days": [WEEKDAYS[day] for day in slot.days],
            "opens": slot.opens.strftime("%H:%M"),
            "closes": slot.closes.strftime("%H:%M"),
        }
        for slot in contact.hours
    ]
    return {
        "name": dict(contact.name),
        "role": dict(contact.role),
        "call": dict(contact.call or {}),
        "phone": contact.phone.display,
        "hours": [*rows, {}],
        "hours_text": dict(contact.hours_text or {}),
    }


def render_contact(region_id, contact_id, form=None, closing_form=None, error=None, status=200):
    """The contact's page: its facts (a form for admins) and, with opening hours, closing days."""
    copy, content, draft_error = working_content()
    region, contact = _contact_or_404(content, region_id, contact_id)
    text = copy.live_text if draft_error else copy.text
    editable = can_edit()
    if editable and form is None:
        form = ContactForm(data=_contact_data(contact), formdata=None, country=region.country)
    if editable and closing_form is None:
        closing_form = ClosingDaysForm(formdata=None, today=today())
    return (
        render_template(
            "staff/content_contact.html",
            region=region,
            contact=contact,
            form=form,
            closing_form=closing_form,
            closing=closing_days(text, region.id, contact.id) if contact.hours else [],
            error=error or draft_problem(draft_error),
            can_edit=editable,
            source_title=lambda source_id: source_title(content, source_id),
            country_name=Locale.parse(FORMAT_LOCALES[g.lang]).territories[region.country],
        ),
        status,
    )


@bp.route("/content/<region_id>/contacts/<contact_id>", methods=["GET", "POST"])
def content_contact(region_id: str, contact_id: str):
    """Edit a contact: texts in three languages, phone, weekly opening hours."""
    if request.method == "GET":
        return render_contact(region_id, contact_id)
    require_admin()
    copy, content, _error = working_content()
    region, contact = _contact_or_404(content, region_id, contact_id)
    form = ContactForm(country=region.country)
    if not form.validate_on_submit():
        return render_contact(region_id, contact_id, form=form, status=400)
    parsed = form.parsed_phone
    # The same number written another way is no change: keep it as the document writes it.
    same_number = parsed.tel_uri == contact.phone.tel_uri
    rows = form.hour_rows()
    facts = {
        "name": texts(form.name.form),
        "role": texts(form.role.form),
        "call": texts(form.call.form) if any(texts(form.call.form).values()) else None,
        "phone": contact.phone.written if same_number else parsed.display,
        "hours": rows,
        "hours_text": texts(form.hours_text.form) if rows else None,
    }
    where = f"contact {region.id}/{contact.id}"
    try:
        new_text = edit_contact(copy.text, region.id, contact.id, facts, g.staff["email"], today())
        changed = save_edit(copy.text, new_text, "content-edit", where)
    except (ContentError, EditError) as exc:
        return render_contact(region_id, contact_id, form=form, error=_message(exc), status=400)
    flash_saved(changed)
    return redirect(url_for("staff.content_contact", region_id=region.id, contact_id=contact.id))


def _message(exc: Exception) -> str:
    """What the admin reads when the edit cannot be kept."""
    if isinstance(exc, EditError):
        return str(EDIT_ERRORS.get(str(exc), EDIT_ERRORS["unknown-item"]))
    return _(
        "The guidance would no longer pass its checks, so nothing was saved: %(problem)s",
        problem=str(exc),
    )


def _step_or_404(content, region_id: str, step_id: str):
    region = find_region(content, region_id)
    step = next((s for s in region.steps if s.id == step_id), None) or abort(404)
    return region, step


def _step_data(step) -> dict:
    items = [{"id": item.id, **dict(item.text)} for item in step.checklist]
    return {
        "title": dict(step.title),
        "who": dict(step.who),
        "what": dict(step.what),
        "items": [*items, {}],
    }


def _render_step(region_id, step_id, form=None, error=None, status=200):
    _copy, content, draft_error = working_content()
    region, step = _step_or_404(content, region_id, step_id)
    editable = can_edit()
    if editable and form is None:
        form = StepForm(data=_step_data(step), formdata=None)
    return (
        render_template(
            "staff/content_step.html",
            region=region,
            step=step,
            form=form,
            error=error or draft_problem(draft_error),
            can_edit=editable,
            recorded=step.id in RECORDED_CHECKLISTS,
            source_title=lambda source_id: source_title(content, source_id),
        ),
        status,
    )


@bp.route("/content/<region_id>/steps/<step_id>", methods=["GET", "POST"])
def content_step(region_id: str, step_id: str):
    """Edit a step of the flow or a situation: title, who acts, what happens, its items."""
    if request.method == "GET":
        return _render_step(region_id, step_id)
    require_admin()
    copy, content, _error = working_content()
    region, step = _step_or_404(content, region_id, step_id)
    form = StepForm()
    if not form.validate_on_submit():
        return _render_step(region_id, step_id, form=form, status=400)
    facts = {
        "title": texts(form.title.form),
        "who": texts(form.who.form),
        "what": texts(form.what.form),
        "items": form.item_list(),
    }
    where = f"step {region.id}/{step.id}"
    try:
        new_text = edit_step(copy.text, region.id, step.id, facts, g.staff["email"], today())
        changed = save_edit(copy.text, new_text, "content-edit", where)
    except (ContentError, EditError) as exc:
        return _render_step(region_id, step_id, form=form, error=_message(exc), status=400)
    flash_saved(changed)
    return redirect(url_for("staff.content_step", region_id=region.id, step_id=step.id))
