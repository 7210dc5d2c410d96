"""What makes the app work offline: the version, the precache lists, /sw.js and the manifest."""

import hashlib
import json
from pathlib import Path

from flask import Blueprint, Flask, current_app, request, url_for

from .clock import now
from .guidance import LOCALES
from .live_guidance import current
from .opening_calendar import local_date, window_year

bp = Blueprint("offline", __name__)

# The staff workspace's own assets: a teacher's phone has no use for them offline.
WORKSPACE_ASSETS = ("staff.",)

# Endpoints of the pages every locale caches for offline use; other blueprints add theirs.
OFFLINE_PAGES: list[tuple[str, dict]] = []

# Settings a cached page shows (the privacy page): changing one must reach phones as an update.
SETTINGS_IN_PAGES = ("RETENTION_DAYS", "CONTROLLER_NAME", "PRIVACY_CONTACT")


def offline_page(endpoint: str, **values) -> None:
    """Declare a page (per locale) that the service worker precaches."""
    OFFLINE_PAGES.append((endpoint, values))


def _digest_files(paths) -> str:
    """A hash of the files' names and bytes, independent of where the folder lives."""
    parts = sorted(
        hashlib.sha256(Path(path).name.encode() + b"\0" + Path(path).read_bytes()).hexdigest()
        for path in paths
    )
    return hashlib.sha256("".join(parts).encode()).hexdigest()


def _compute_version(app: Flask) -> str:
    """One hash over everything a cached page is made of: any deploy that changes it updates."""
    root = Path(app.root_path)
    suffixes = {".py", ".html", ".css", ".js", ".png", ".svg", ".json"}
    files = {p for p in root.rglob("*") if p.is_file() and p.suffix in suffixes}
    files.add(Path(app.config["CONTENT_FILE"]))
    files |= set(Path(app.config["TRANSLATIONS_DIR"]).rglob("*.po"))
    files.add(Path(app.config["SERVICE_WORKER_FILE"]))
    settings = json.dumps([app.config.get(key) for key in SETTINGS_IN_PAGES])
    return hashlib.sha256((_digest_files(files) + settings).encode()).hexdigest()[:12]


def _asset_hashes(app: Flask) -> dict[str, str]:
    static = Path(app.static_folder)
    return {
        str(p.relative_to(static)): hashlib.sha256(p.read_bytes()).hexdigest()[:10]
        for p in static.rglob("*")
        if p.is_file()
    }


def asset_url(filename: str) -> str:
    """A static file's URL carrying its content hash, so browsers may cache it for a year."""
    version = current_app.extensions["wegwijzer.assets"].get(filename)
    return url_for("static", filename=filename, v=version)


def worker_version() -> str:
    """The deploy's version mixed with the published guidance and the calendar's year.

    A publish updates every phone; so does New Year, when the pages' calendar of holidays and
    closing days moves on by a year (pwa/opening_calendar.py).
    """
    live = current()
    year = window_year(local_date(now()))
    mixed = f"{current_app.config['APP_VERSION']}:{live.version}:{live.digest}:{year}"
    return hashlib.sha256(mixed.encode()).hexdigest()[:12]


def precache_lists() -> tuple[list[str], dict[str, list[str]]]:
    """The shell (assets, manifest) and, per locale, the pages to keep offline."""
    shell = [
        asset_url(name)
        for name in sorted(current_app.extensions["wegwijzer.assets"])
        if not name.startswith(WORKSPACE_ASSETS)
    ]
    shell.append(url_for("offline.manifest"))
    pages = {
        lang: [url_for(endpoint, lang=lang, **values) for endpoint, values in OFFLINE_PAGES]
        for lang in LOCALES
    }
    return shell, pages


@bp.get("/sw.js")
def service_worker():
    """The service worker, with this deploy's version and precache lists filled in."""
    shell, pages = precache_lists()
    source = Path(current_app.config["SERVICE_WORKER_FILE"]).read_text()
    body = (
        source.replace("__VERSION__", worker_version())
        .replace("__SHELL__", json.dumps(shell))
        .replace("__PAGES__", json.dumps(pages))
    )
    # no-cache: the browser must see a new version on the next online visit.
    return (
        body,
        200,
        {
            "Content-Type": "text/javascript; charset=utf-8",
            "Cache-Control": "no-cache",
            "Service-Worker-Allowed": "/",
        },
    )


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest that makes the app installable."""
    icon = "icons/icon-{}.png"
    data = {
        "name": "Wegwijzer radicalisering",
        "short_name": "Wegwijzer",
        "description": "Wat doe je, in welke volgorde en wie bel je als je bezorgd bent "
        "dat een leerling radicaliseert.",
        "lang": "nl",
        "id": "/",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5c6b",
        "icons": [
            {"src": asset_url(icon.format(192)), "sizes": "192x192", "type": "image/png"},
            {"src": asset_url(icon.format(512)), "sizes": "512x512", "type": "image/png"},
            {
                "src": asset_url("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return (
        json.dumps(data, ensure_ascii=False),
        200,
        {"Content-Type": "application/manifest+json; charset=utf-8"},
    )


def init_app(app: Flask) -> None:
    """Compute the version and asset hashes once, and register the routes."""
    app.config.setdefault("APP_VERSION", _compute_version(app))
    app.extensions["wegwijzer.assets"] = _asset_hashes(app)
    app.jinja_env.globals["asset_url"] = asset_url
    app.register_blueprint(bp)

    @app.after_request
    def cache_hashed_assets(response):
        if request.path.startswith("/static/") and request.args.get("v"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
