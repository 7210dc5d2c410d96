"""The guidance pages of the workspace: admins edit the draft; other staff read it.

(Issue #9.) This module has the overview and what every editing page shares; a contact's and a
step's pages are in content_items.py, re-verifying and closing days in content_checks.py, and
publishing, preview, history and import/export in content_publish.py.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_day_names
from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ... import guidance_drafts
from ...guidance import Content, ContentError, build_content
from ...guidance_closing_days import closing_days
from ...guidance_review import needs_checking
from ...i18n import FORMAT_LOCALES
from ...live_guidance import current_content
from ...storage import audit
from . import bp, data_dir, now
from .content_forms import error_links

BRUSSELS = ZoneInfo("Europe/Brussels")
SAVED = _l(
    "Saved in the draft — not yet visible to teachers. Preview and publish it on the Guidance page."
)
NOTHING_CHANGED = _l("Nothing changed: the draft is as it was.")
EDIT_ERRORS = {
    "unknown-item": _l("This item is no longer in the draft: reload the Guidance page."),
    "recorded-item": _l("Concerns keep answers to these items: reword them, do not remove them."),
    "overlap": _l("These days overlap closing days that are already listed."),
}


def today() -> dt.date:
    """The day it is in Brussels by the app's clock: the date an admin checks something on."""
    return now().astimezone(BRUSSELS).date()


def can_edit() -> bool:
    return g.staff["role"] == "admin"


def working_content() -> tuple[guidance_drafts.WorkingCopy, Content, str | None]:
    """The working copy, its content, and why it cannot be shown (then the live content)."""
    copy = guidance_drafts.working_copy()
    try:
        return copy, build_content(copy.text), None
    except ContentError as exc:
        # A draft saved under older rules: show what teachers see, and say why.
        return copy, current_content(), str(exc)


def draft_problem(draft_error: str | None) -> str | None:
    """Why the page shows the live guidance instead of the draft, in the reader's words."""
    if draft_error is None:
        return None
    return _(
        "The draft no longer passes the checks, so this page shows what teachers see: %(problem)s",
        problem=draft_error,
    )


def find_region(content: Content, region_id: str):
    return content.regions.get(region_id) or abort(404)


def save_edit(old_text: str, new_text: str, action: str, detail: str) -> bool:
    """Keep an edited document as the draft and audit it; False when nothing changed.

    ContentError (the whole document fails validation) changes nothing.
    """
    if new_text == old_text:
        return False
    guidance_drafts.save_draft(new_text, g.staff["email"], now())
    # The audit names the item, never its text.
    audit.record(data_dir(), g.staff["email"], action, detail=detail, now=now())
    return True


def flash_saved(changed: bool) -> None:
    flash(SAVED if changed else NOTHING_CHANGED, "info")


def hours_summary(contact) -> list[str]:
    """Each row of weekly hours as "Monday, Wednesday 09:00–12:30" in the reader's language."""
    locale = FORMAT_LOCALES.get(g.get("lang"), "nl_BE")  # a 24-hour clock in every language
    names = get_day_names("abbreviated", locale=locale)
    return [
        "{days} {opens}–{closes}".format(
            days=", ".join(names[day] for day in slot.days),
            opens=format_time(slot.opens, "short", locale=locale),
            closes=format_time(slot.closes, "short", locale=locale),
        )
        for slot in contact.hours
    ]


def source_title(content: Content, source_id: str) -> str:
    """A seed document by its own title; any other source by its text in the reader's language."""
    title = content.sources.get(source_id, {}).get("title", source_id)
    return title if isinstance(title, str) else title(g.lang)


@bp.app_template_filter("long_day")
def long_day(day: dt.date) -> str:
    """A date as the public pages write it ("12 March 2027"), in the reader's language."""
    return format_date(day, "long", locale=FORMAT_LOCALES.get(g.get("lang"), "nl_BE"))


@bp.context_processor
def content_helpers():
    return {"hours_summary": hours_summary, "error_links": error_links}


@bp.get("/content/")
def content():
    """Every item of the guidance, the draft's state, and what needs checking again."""
    copy, content, draft_error = working_content()
    months = current_app.config["VERIFY_MONTHS"]
    text = copy.live_text if draft_error else copy.text
    return render_template(
        "staff/content.html",
        copy=copy,
        content=content,
        draft_error=draft_problem(draft_error),
        stale=needs_checking(content, today(), months),
        months=months,
        can_edit=can_edit(),
        source_title=lambda source_id: source_title(content, source_id),
        closing=lambda region_id, contact_id: closing_days(text, region_id, contact_id),
    )


def back_to(kind: str, region_id: str | None, item_id: str | None, back: str) -> str:
    """Where a re-verify button returns: the item's page, or the overview's list."""
    if back == "item" and kind == "contact":
        return url_for("staff.content_contact", region_id=region_id, contact_id=item_id)
    if back == "item" and kind == "step":
        return url_for("staff.content_step", region_id=region_id, step_id=item_id)
    return url_for("staff.content", _anchor="needs-checking" if back == "stale" else None)


def redirect_back(kind, region_id, item_id, back):
    return redirect(back_to(kind, region_id, item_id, back))
