"""Public guidance pages, one set per locale under /<lang>/."""

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale

from ..guidance import LOCALES
from ..i18n import best_locale
from ..offline import offline_page
from ..page_context import page_context, shown_content
from ..storage import health

bp = Blueprint("public", __name__)
pages = Blueprint("pages", __name__, url_prefix="/<lang>")

for endpoint, values in [
    ("pages.home", {}),
    ("pages.region", {"region_id": "antwerpen"}),
    ("pages.region", {"region_id": "nederland"}),
    ("pages.contacts", {}),
    ("pages.about", {}),
    ("pages.anchor", {}),
]:
    offline_page(endpoint, **values)


@pages.url_value_preprocessor
def pull_lang(endpoint, values):
    g.lang = values.pop("lang", None)
    if g.lang not in LOCALES:
        abort(404)


@pages.url_defaults
def add_lang(endpoint, values):
    values.setdefault("lang", getattr(g, "lang", None) or best_locale())


@pages.context_processor
def page_helpers():
    return page_context(g.lang)


@bp.get("/")
def root():
    """Send the visitor to their best language."""
    return redirect(url_for("pages.home", lang=best_locale()))


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers. Restart it when this fails."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Readiness: the data folder is writable and every store loads; 503 names what is not."""
    failed = health.problems(current_app.config["DATA_DIR"])
    if failed:
        current_app.logger.error("not ready: %s", ", ".join(failed))
        return jsonify(status="not ready", failed=failed), 503, {"Cache-Control": "no-store"}
    return jsonify(status="ready"), 200, {"Cache-Control": "no-store"}


@pages.get("/")
def home():
    """Choose the situation: a school in Antwerp or in the Netherlands."""
    return render_template("home.html")


@pages.get("/<region_id>/")
def region(region_id: str):
    """The flow (Antwerp) or the wegwijzer by situation (Netherlands)."""
    region = shown_content().regions.get(region_id) or abort(404)
    return render_template(f"{region.kind}.html", region=region)


@pages.get("/contacts/")
def contacts():
    """Every number in the app, with tap-to-dial and opening hours."""
    return render_template("contacts.html")


@pages.get("/anchor/")
def anchor():
    """The teacher's own CLB anchor: a shell; anchor.js saves it on the phone, never here."""
    return render_template("anchor.html")


@pages.get("/about/")
def about():
    """Where the content comes from, privacy, and installing the app."""
    return render_template("about.html")


@pages.app_template_global()
def switch_language_url(target: str) -> str:
    """The current page in another language."""
    values = dict(request.view_args or {})
    values["lang"] = target
    return url_for(request.endpoint, **values)


@pages.app_template_global()
def current_locale() -> str:
    return str(get_locale())
