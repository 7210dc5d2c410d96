"""The app and its data folder's format: a newer folder stops the start, an older one is not
served (503 with Retry-After: phones keep their concerns and retry) until it is migrated."""

from flask import Flask, current_app, request
from flask_babel import gettext as _

from .storage.data_format import format_problem, prepare

# Answer even on an unmigrated folder: the process lives (and /readyz says why it is not ready).
ALWAYS_ANSWERED = ("/healthz", "/readyz")
RETRY_AFTER_SECONDS = 60


def init_app(app: Flask) -> None:
    """Check the data folder's format once at start: DataFormatError when it is newer."""
    data_dir = app.config["DATA_DIR"]
    prepare(data_dir)  # marks a fresh folder current
    problem = format_problem(data_dir)
    if problem is None:
        return
    app.logger.error("%s Until then every request but /healthz answers 503.", problem)
    app.extensions["data_format_outdated"] = True
    app.before_request(_refuse_until_migrated)


def _refuse_until_migrated():
    """503 while the folder is older; once `migrate` ran, serve again (no restart needed)."""
    if not current_app.extensions.get("data_format_outdated") or request.path in ALWAYS_ANSWERED:
        return None
    if format_problem(current_app.config["DATA_DIR"]) is None:
        current_app.extensions["data_format_outdated"] = False
        return None
    message = _("Wegwijzer is being upgraded. Please try again in a few minutes.")
    return message, 503, {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
