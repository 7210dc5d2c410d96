"""Export the guidance as one TOML file (all staff), import one as the draft (admins).

The file has the format of the package's defaults (pwa/content/guidance.toml). An import goes
through the same validation as every edit and lands as the draft; it never publishes.
Export → import gives the draft exactly the exported text, byte for byte.

Every staff member may export (they read the same guidance in the workspace). Besides the
guidance, the file names the admins who checked items (`verified_by`, their work e-mail
addresses, which every colleague sees in the workspace too); each export is audited.
"""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ... import guidance_drafts
from ...guidance import ContentError
from ...guidance_drafts import working_copy
from ...storage import audit
from . import bp, data_dir, now, require_admin
from .publish_forms import IMPORT_MAX_BYTES, ImportForm

# The form around the file (token, checkbox, multipart boundaries) needs a little room too.
IMPORT_REQUEST_MAX_BYTES = IMPORT_MAX_BYTES + 16 * 1024


@bp.record_once
def _allow_larger_imports(state) -> None:
    """Let an import's upload exceed the app's 64 KB request limit, and only an import's.

    CSRFProtect reads the form in an app-wide before_request, so the limit must be raised
    before it runs: this hook goes first.
    """

    def raise_limit_for_imports():
        if request.endpoint == "staff.content_import" and request.method == "POST":
            request.max_content_length = IMPORT_REQUEST_MAX_BYTES

    state.app.before_request_funcs.setdefault(None, []).insert(0, raise_limit_for_imports)


def too_large_message() -> str:
    return _("The file is too large (at most %(size)s KB).", size=IMPORT_MAX_BYTES // 1024)


@bp.errorhandler(413)
def too_large(exc):
    """Far too large to read: back to the form, which says so (in the staff member's language)."""
    if request.endpoint != "staff.content_import":
        return exc
    return redirect(url_for("staff.content_import", too_large=1))


@bp.get("/content/export")
def content_export():
    """The live version (or the draft) as a file to keep, review or import elsewhere."""
    which = "draft" if request.args.get("which") == "draft" else "live"
    copy = working_copy()
    if which == "draft":
        text, name = copy.text, f"wegwijzer-guidance-v{copy.based_on}-draft.toml"
    else:
        text, name = copy.live_text, f"wegwijzer-guidance-v{copy.live_version}.toml"
    audit.record(data_dir(), g.staff["email"], "content-export", detail=name, now=now())
    return (
        text.encode("utf-8"),
        200,
        {
            "Content-Type": "application/toml; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


def _read_upload(form: ImportForm) -> str | None:
    """The uploaded file as text, or None with the problem added to the field's errors."""
    data = form.document.data.read(IMPORT_MAX_BYTES + 1)
    if len(data) > IMPORT_MAX_BYTES:
        problem = too_large_message()
    else:
        try:
            return data.decode("utf-8-sig")  # a BOM some editors add is not part of TOML
        except UnicodeDecodeError:
            problem = _("The file is not UTF-8 text. Save it as UTF-8 and try again.")
    form.document.errors.append(problem)
    return None


@bp.route("/content/import", methods=["GET", "POST"])
def content_import():
    """Admins: a TOML file becomes the draft, if it passes the validation; else nothing changes."""
    require_admin()
    copy = working_copy()
    form = ImportForm()
    if form.validate_on_submit():
        if copy.has_changes and not form.replace.data:
            form.replace.errors.append(_("Tick this box to replace the draft's changes."))
        elif (text := _read_upload(form)) is not None:
            try:
                guidance_drafts.save_draft(text, g.staff["email"], now())
            except ContentError as exc:
                form.document.errors.append(_("Not imported: %(problem)s", problem=str(exc)))
            else:
                audit.record(data_dir(), g.staff["email"], "content-import", now=now())
                flash(_("The file is now the draft. Preview it, then publish it."), "info")
                return redirect(url_for("staff.content"))
    elif request.args.get("too_large"):
        form.document.errors = [too_large_message()]
    status = 400 if form.errors and request.method == "POST" else 200
    page = render_template(
        "staff/content_import.html", form=form, copy=copy, max_kb=IMPORT_MAX_BYTES // 1024
    )
    return page, status
