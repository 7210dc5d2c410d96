"""Public guidance pages, one set per locale under /<lang>/."""

import json

from babel.dates import format_date, format_time, get_day_names
from flask import (
    Blueprint,
    abort,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale

from .. import clock, vocabulary
from ..guidance import LOCALES, Contact
from ..i18n import FORMAT_LOCALES, LANGUAGE_NAMES, best_locale
from ..live_guidance import current_content
from ..offline import offline_page
from ..opening_calendar import calendar_window, closed_dates, local_date

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
    lang = g.lang
    return {
        "lang": lang,
        "languages": LANGUAGE_NAMES,
        "t": lambda text: text(lang),
        "content": current_content(),
        "vocabulary": vocabulary,
        "hours_data": lambda contact: hours_data(contact, lang),
        "long_date": lambda day: format_date(day, "long", locale=FORMAT_LOCALES[lang]),
    }


def hours_data(contact: Contact, lang: str) -> str:
    """Opening hours as JSON for the device to compute "open now" offline, in the contact's zone.

    The device works out the time in that zone itself (Intl.DateTimeFormat, app.js), so the
    answer stays right for as long as a copy is kept offline, whatever zone the phone is in.
    """
    locale = FORMAT_LOCALES[lang]
    data = {
        "timezone": contact.timezone,
        "hours": [
            {
                "days": list(slot.days),
                "opens": slot.opens.strftime("%H:%M"),
                "closes": slot.closes.strftime("%H:%M"),
                "opens_label": format_time(slot.opens, "short", locale=locale),
                "closes_label": format_time(slot.closes, "short", locale=locale),
            }
            for slot in contact.hours
        ],
        # Babel's names start on Monday (0), as the content's day numbers do.
        "day_names": [get_day_names("wide", locale=locale)[day] for day in range(7)],
        # For Intl.DateTimeFormat on the device, which names a date ("maandag 28 december").
        "locale": locale.replace("_", "-"),
    }
    if contact.holidays or contact.closing_days:
        data.update(closed_calendar(contact, lang))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def closed_calendar(contact: Contact, lang: str) -> dict:
    """The dates the contact is closed ({"2026-12-25": "Kerstmis"}) and the window they cover.

    The window is whole years from the contact's today (pwa/opening_calendar.py), so a copy kept
    offline knows at least the next 12 months; beyond it the device says it does not know.
    """
    first, last = calendar_window(local_date(clock.now(), contact.timezone))
    closed = closed_dates(contact.holidays, contact.closing_days, first, last)
    return {
        "closed": {day.date.isoformat(): day.reason(lang) for day in closed},
        "known_from": first.isoformat(),
        "known_until": last.isoformat(),
    }


@bp.get("/")
def root():
    """Send the visitor to their best language."""
    return redirect(url_for("pages.home", lang=best_locale()))


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@pages.get("/")
def home():
    """Choose the situation: a school in Antwerp or in the Netherlands."""
    return render_template("home.html")


@pages.get("/<region_id>/")
def region(region_id: str):
    """The flow (Antwerp) or the wegwijzer by situation (Netherlands)."""
    content = current_content()
    region = content.regions.get(region_id) or abort(404)
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
