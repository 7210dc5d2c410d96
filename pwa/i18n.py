"""Languages: the locale lives in the URL; catalogs are compiled on start-up when stale."""

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, request

from .extensions import babel
from .guidance import LOCALES

LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English"}
# Dates and times as readers in Belgium and the Netherlands expect them (24-hour clock).
FORMAT_LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}


def compile_catalogs(source: Path, target: Path) -> None:
    """Compile every translations/<locale>/LC_MESSAGES/messages.po whose .mo is missing or older.

    Doing it here means `flask run` after a plain checkout shows every language:
    nobody has to remember `pybabel compile`.
    """
    for po_path in sorted(Path(source).glob("*/LC_MESSAGES/*.po")):
        mo_path = Path(target) / po_path.relative_to(source).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parts[-3])
        partial = mo_path.with_name(f".{mo_path.name}.{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            write_mo(handle, catalog)
        partial.replace(mo_path)  # atomic, so a second worker never reads half a file


def best_locale() -> str:
    """The URL's locale; otherwise the best match for the browser's languages."""
    lang = getattr(g, "lang", None) or (request.view_args or {}).get("lang")
    if lang in LOCALES:
        return lang
    return request.accept_languages.best_match(LOCALES) or "nl"


def init_app(app: Flask) -> None:
    """Compile the catalogs and bind Flask-Babel with URL-based locale selection."""
    compiled = Path(app.instance_path) / "translations"
    compile_catalogs(Path(app.config["TRANSLATIONS_DIR"]), compiled)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    babel.init_app(app, locale_selector=best_locale)
