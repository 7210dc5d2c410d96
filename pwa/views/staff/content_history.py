"""Every published version of the guidance with what it changed, and rolling back (admins).

A rollback publishes an earlier version's document again as a new version, so the history
only ever grows; the draft stays as it is.
"""

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ... import guidance_drafts
from ...guidance import ContentError, default_text
from ...guidance_changes import Change, changes
from ...guidance_drafts import working_copy
from ...storage import guidance as store
from ...storage.guidance import Conflict
from . import bp, data_dir, now, require_admin
from .content_publish import live_changed_message
from .publish_forms import RollbackForm

# The document's keys as an admin reads them in a change ("Antwerpen › CMP › phone number").
FIELD_NAMES = {
    "phone": _l("phone number"),
    "hours": _l("opening hours"),
    "hours_text": _l("opening hours as text"),
    "timezone": _l("time zone"),
    "name": _l("name"),
    "role": _l("role"),
    "call": _l("call button"),
    "title": _l("title"),
    "who": _l("who acts"),
    "what": _l("what happens"),
    "intro": _l("introduction"),
    "text": _l("text"),
    "source": _l("source"),
    "verified_on": _l("checked on"),
    "verified_by": _l("checked by"),
    "contacts": _l("contacts"),
    "urgent": _l("urgent"),
    "country": _l("country"),
    "document": _l("document"),
    "holidays": _l("public holidays"),
    "closing_days": _l("closing days"),
}


def change_field(change: Change) -> str:
    """The changed field's name, with its language for a text: "role (fr)"."""
    if change.field and change.field.endswith(" order"):
        name = _("order")
    else:
        name = str(FIELD_NAMES.get(change.field, change.field))
    return f"{name} ({change.lang})" if change.lang else name


@bp.context_processor
def change_helpers():
    return {"change_field": change_field}


def _version_text(number: int) -> str | None:
    """A version's document; 0 is the package's defaults."""
    if number == 0:
        return default_text(current_app.config["CONTENT_FILE"])
    version = store.read_version(data_dir(), number)
    return version["text"] if version else None


@bp.get("/content/history")
def content_history():
    """Every version, newest first, each with its changes against the one before it."""
    versions = store.history(data_dir())
    texts = {version["version"]: version["text"] for version in versions}
    entries = []
    for version in versions:
        number = version["version"]
        before = texts.get(number - 1) or _version_text(number - 1) or ""
        entries.append({**version, "changes": changes(before, version["text"], g.lang)})
    return render_template(
        "staff/content_history.html",
        entries=entries,
        live_version=store.current_version(data_dir()),
    )


@bp.route("/content/rollback/<int:version>", methods=["GET", "POST"])
def content_rollback(version: int):
    """Admins: see what a rollback would change for teachers, confirm, and publish it."""
    require_admin()
    copy = working_copy()
    text = _version_text(version)
    if text is None:
        abort(404)
    if version == copy.live_version:
        flash(_("Version %(number)s is already live.", number=version), "info")
        return redirect(url_for("staff.content_history"))
    form = RollbackForm(expected=copy.live_version)
    if form.is_submitted():
        done = _roll_back(form, version, copy.live_version)
        if done:
            return redirect(url_for("staff.content_history"))
    return render_template(
        "staff/content_rollback.html",
        form=form,
        version=version,
        copy=copy,
        changes=changes(copy.live_text, text, g.lang),
    )


def _roll_back(form: RollbackForm, version: int, live_version: int) -> bool:
    """Roll back if the form is confirmed and nobody published meanwhile; flash the outcome."""
    if not form.validate():
        flash(_("Tick the box to confirm the rollback."), "error")
        return False
    if form.expected.data != live_version:
        flash(live_changed_message(live_version), "error")
        return False
    try:
        number = guidance_drafts.roll_back(version, g.staff["email"], now(), expected=live_version)
    except Conflict:
        flash(live_changed_message(store.current_version(data_dir())), "error")
        return False
    except ContentError as exc:
        flash(_("Nothing was published: %(problem)s", problem=str(exc)), "error")
        return False
    message = _(
        "Version %(number)s is published: the guidance of version %(old)s again. "
        "Phones get it the next time they open the app online.",
        number=number,
        old=version,
    )
    if working_copy().has_changes:
        message += " " + _("The draft was kept, with its unpublished changes.")
    flash(message, "info")
    return True
