"""The guidance pages of the workspace: admins edit the draft; other staff read it.

(Issue #9. The overview lists every item; publishing, preview, history and import/export
live in content_publish.py.)
"""

from flask import render_template

from ...guidance_drafts import working_copy
from . import bp


@bp.get("/content/")
def content():
    """Every item of the guidance, the draft's state, and what to do next."""
    return render_template("staff/content.html", copy=working_copy())
