"""The inbox and a concern's page: the flow's steps and the printable export."""

from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...live_guidance import current_content
from ...sealing import SealError
from ...storage import audit, concerns, sealed_records
from ...storage import inbox as inbox_store
from ...storage.clock import parse_time
from . import bp, data_dir, now
from .auth import language_form
from .forms import (
    DeleteForm,
    LinkForm,
    NoteForm,
    PostForm,
    UnlinkForm,
    case_discussion_form,
    clarification_form,
    follow_up_form,
    plain_step_form,
)
from .labels import FLOW_ERRORS
from .sealed import DAMAGED, is_urgent, no_access, opened, opened_or_clear

BRUSSELS = ZoneInfo("Europe/Brussels")
PER_PAGE = 20
DAMAGED_MESSAGE = _l(
    "This concern cannot be opened: its sealed text is damaged or was altered, or it was sealed "
    "under a key this session does not hold (after a key rotation, sign in again)."
)


@bp.context_processor
def workspace_helpers():
    return {
        "language_form": language_form() if g.get("staff") else None,
        "logout_form": PostForm(),
    }


def _checklist(step_id: str):
    region = current_content().regions["antwerpen"]
    return next(step for step in region.steps if step.id == step_id).checklist


def _label(text) -> str:
    return text(g.lang)


def concern_or_404(concern_id: str) -> dict:
    return concerns.get_concern(data_dir(), concern_id) or abort(404)


def signed_in_email() -> str:
    return g.staff["email"]


@bp.get("/")
def inbox_page():
    return redirect(url_for("staff.inbox"))


@bp.get("/inbox")
def inbox():
    """Newest first; filter by status and kind, search by reference or school."""
    status = request.args.get("status")
    status = status if status in inbox_store.STATUS_CODES else None
    kind = request.args.get("kind") if request.args.get("kind") in inbox_store.KINDS else None
    search = request.args.get("q", "")[:100]
    page = request.args.get("page", 1, type=int) or 1
    result = inbox_store.list_inbox(data_dir(), status, kind, search, page, PER_PAGE)
    new_since = parse_time(session["staff"].get("new_since"))
    for record in result["items"]:
        record["is_new"] = new_since is None or parse_time(record["received_at"]) > new_since
        record["is_urgent"] = is_urgent(record)
    filters = {"status": status or "", "kind": kind or "", "q": search}
    filter_args = {key: value for key, value in filters.items() if value}
    return render_template(
        "staff/inbox.html",
        result=result,
        filters=filters,
        filter_args=filter_args,
        no_access=no_access(),
    )


def _step_form(record: dict):
    status = record["status"]
    if status == "clarification":
        return clarification_form(
            _checklist("clarification"), _label, record.get("clarification", {})
        )
    if status == "case_discussion":
        return case_discussion_form(
            _checklist("case-discussion"), _label, record.get("case_discussion", {})
        )
    if status == "follow_up":
        data = {
            "options": record.get("follow_up_options", []),
            "agreement": record.get("follow_up"),
        }
        return follow_up_form(_checklist("follow-up"), _label, data)
    if status == "received":
        return plain_step_form()
    return None


def _render_concern(record: dict, step_form=None, status=200):
    return (
        render_template(
            "staff/concern.html",
            record=record,
            step_form=step_form or _step_form(record),
            next_status=inbox_store.next_status(record["status"]),
            note_form=NoteForm(formdata=None),
            link_form=LinkForm(formdata=None),
            unlink_form=UnlinkForm(formdata=None),
            delete_form=DeleteForm(formdata=None),
            linked=inbox_store.linked_records(data_dir(), record),
            chronology=inbox_store.chronology(data_dir(), record, opened_or_clear),
            checklists={
                key: _checklist(key) for key in ("clarification", "case-discussion", "follow-up")
            },
        ),
        status,
    )


def _render_locked(record: dict, problem: str):
    """What a session that cannot open the concern may see: its clear parts and why."""
    return render_template(
        "staff/concern_locked.html", record=sealed_records.clear_only(record), problem=problem
    )


def opened_or_refuse(record: dict) -> dict | None:
    """The opened record for an action, else None and a message saying why not."""
    view, problem = opened(record)
    if problem == DAMAGED:
        flash(DAMAGED_MESSAGE, "error")
    elif problem:
        flash(_("Your account has no access to concerns yet: nothing was changed."), "error")
    return view


@bp.get("/concerns/<concern_id>")
def concern(concern_id: str):
    record = concern_or_404(concern_id)
    audit.record(data_dir(), signed_in_email(), "view", record["reference"], now=now())
    view, problem = opened(record)
    if problem:
        return _render_locked(record, problem)
    return _render_concern(view)


def _sections_from(form, record: dict) -> dict:
    """The current step's data as stored on the concern."""
    status = record["status"]
    if status == "clarification":
        return {
            "clarification": {
                item.id: (form[f"q_{item.id}"].data or "").strip()
                for item in _checklist("clarification")
            }
        }
    if status == "case_discussion":
        today = now().astimezone(BRUSSELS).date()
        ticks = {}
        for item in _checklist("case-discussion"):
            if form[f"done_{item.id}"].data:
                date = form[f"date_{item.id}"].data or today
                ticks[item.id] = {"done": True, "date": date.isoformat(), "by": signed_in_email()}
        return {"case_discussion": ticks}
    if status == "follow_up":
        return {
            "follow_up_options": list(form.options.data or []),
            "follow_up": (form.agreement.data or "").strip() or None,
        }
    return {}


@bp.post("/concerns/<concern_id>/step")
def step(concern_id: str):
    """Save the current step's work and, when asked, move on to the next step."""
    record = opened_or_refuse(concern_or_404(concern_id))
    if record is None:
        return redirect(url_for("staff.concern", concern_id=concern_id))
    form = _step_form(record)
    if form is None:
        abort(409)
    if not form.validate_on_submit():
        return _render_concern(record, form, 400)
    try:
        # Answers, the move to the next step and the note: one atomic write of the concern.
        inbox_store.step_action(
            data_dir(),
            concern_id,
            signed_in_email(),
            at_status=record["status"],
            sections=_sections_from(form, record),
            advance=bool(form.advance.data),
            note=form.note.data or "",
            keys=g.keys,
            now=now(),
        )
    except inbox_store.FlowError as error:
        flash(FLOW_ERRORS.get(error.code, _("This change is not possible.")), "error")
        return redirect(url_for("staff.concern", concern_id=concern_id))
    except SealError:  # e.g. re-sealed by a key rotation since this session began
        flash(DAMAGED_MESSAGE, "error")
        return redirect(url_for("staff.concern", concern_id=concern_id))
    flash(_("Saved."), "info")
    return redirect(url_for("staff.concern", concern_id=concern_id))


@bp.get("/concerns/<concern_id>/export")
def export(concern_id: str):
    """A printable page of a closed concern, for the file."""
    record = concern_or_404(concern_id)
    if record["status"] != "closed":
        abort(404)
    view, problem = opened(record)
    if problem:
        return _render_locked(record, problem)
    audit.record(data_dir(), signed_in_email(), "export", record["reference"], now=now())
    return render_template(
        "staff/export.html",
        record=view,
        chronology=inbox_store.chronology(data_dir(), view, opened_or_clear),
        checklists={
            key: _checklist(key) for key in ("clarification", "case-discussion", "follow-up")
        },
        printed_at=now(),
    )
