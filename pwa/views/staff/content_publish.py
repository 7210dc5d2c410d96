"""The draft's state on the guidance overview, and publishing or discarding it (admins).

(Issue #9. The preview is in content_preview.py, the history and rollback in
content_history.py, export and import in content_transfer.py.)
"""

import hashlib
from dataclasses import dataclass

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _

from ... import guidance_drafts
from ...guidance import ContentError
from ...guidance_changes import Change, changes
from ...guidance_drafts import WorkingCopy, working_copy
from ...storage import guidance as store
from ...storage.guidance import Conflict
from . import bp, data_dir, now, require_admin
from .publish_forms import DiscardForm, PublishForm


def draft_digest(text: str) -> str:
    """Names one draft text: what the admin previewed is what gets published."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Panel:
    copy: WorkingCopy
    live: dict | None  # the live version's record (by, at, action, from_version); None: defaults
    changes: list[Change]  # what publishing the draft would change for teachers
    publish_form: PublishForm
    discard_form: DiscardForm


def publish_panel() -> Panel:
    """Everything the draft panel (staff/_content_publish.html) shows."""
    copy = working_copy()
    found = changes(copy.live_text, copy.text, g.lang) if copy.has_changes else []
    form = PublishForm(expected=copy.live_version, draft_digest=draft_digest(copy.text))
    return Panel(copy, store.read_published(data_dir()), found, form, DiscardForm())


@bp.context_processor
def publish_panel_helper():
    # A function, so the panel is only built on the page that includes it.
    return {"publish_panel": publish_panel}


def live_changed_message(live_version: int) -> str:
    return _(
        "Someone else published version %(number)s meanwhile: nothing was published. "
        "Review the draft (and the history) before you publish.",
        number=live_version,
    )


@bp.post("/content/publish")
def content_publish():
    """Publish the draft the admin previewed, if nothing changed since they looked."""
    require_admin()
    form = PublishForm()
    copy = working_copy()
    if not form.validate_on_submit():
        flash(_("Reload the page and try again."), "error")
    elif not copy.has_changes:
        flash(_("Nothing to publish: the draft has no changes."), "info")
    elif form.expected.data != copy.live_version:
        flash(live_changed_message(copy.live_version), "error")
    elif form.draft_digest.data != draft_digest(copy.text):
        message = _(
            "The draft changed since you opened this page: nothing was published. "
            "Check it again, then publish."
        )
        flash(message, "error")
    else:
        _publish(copy)
    return redirect(url_for("staff.content"))


def _publish(copy: WorkingCopy) -> None:
    try:
        number = guidance_drafts.publish(
            copy.text, g.staff["email"], now(), expected=copy.live_version
        )
    except Conflict:
        flash(live_changed_message(store.current_version(data_dir())), "error")
    except ContentError as exc:
        flash(_("Nothing was published: %(problem)s", problem=str(exc)), "error")
    else:
        flash(
            _(
                "Version %(number)s is published. Phones get it the next time they open "
                "the app online.",
                number=number,
            ),
            "info",
        )


@bp.post("/content/discard")
def content_discard():
    """Throw the draft away: the live version stays as it is."""
    require_admin()
    form = DiscardForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm that the draft is thrown away."), "error")
    elif working_copy().draft is None:
        flash(_("There is no draft to discard."), "info")
    else:
        guidance_drafts.discard(g.staff["email"], now())
        flash(_("The draft is discarded. The live version did not change."), "info")
    return redirect(url_for("staff.content"))
