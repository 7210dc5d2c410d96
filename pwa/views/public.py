"""Public guidance pages, one set per locale under /<lang>/."""

import datetime as dt
import functools
import json
import zoneinfo

from babel.dates import format_time, get_day_names
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

from .. import vocabulary
from ..guidance import LOCALES, Contact
from ..i18n import FORMAT_LOCALES, LANGUAGE_NAMES, best_locale
from ..offline import offline_page

bp = Blueprint("public", __name__)
pages = Blueprint("pages", __name__, url_prefix="/<lang>")

for endpoint, values in [
    ("pages.home", {}),
    ("pages.region", {"region_id": "antwerpen"}),
    ("pages.region", {"region_id": "nederland"}),
    ("pages.contacts", {}),
    ("pages.about", {}),
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
        "content": current_app.extensions["wegwijzer.content"],
        "vocabulary": vocabulary,
        "hours_data": lambda contact: hours_data(contact, lang),
    }


@functools.cache
def utc_offsets(timezone: str, first_year: int, years: int = 11) -> dict:
    """The zone's UTC offsets (minutes) and when they change (ms since 1970), for the device.

    With this table the page works out Brussels time by arithmetic: the first Intl.DateTimeFormat
    of a page costs a slow phone some 150 ms of blocked main thread. Outside the table (a copy
    kept offline for years) the page falls back to Intl.
    """
    zone = zoneinfo.ZoneInfo(timezone)

    def offset(seconds: int) -> int:  # minutes east of UTC at that instant
        moment = dt.datetime.fromtimestamp(seconds, dt.UTC).astimezone(zone)
        return int(moment.utcoffset().total_seconds() // 60)

    start = int(dt.datetime(first_year, 1, 1, tzinfo=dt.UTC).timestamp())
    end = int(dt.datetime(first_year + years, 1, 1, tzinfo=dt.UTC).timestamp())
    changes = [[start * 1000, offset(start)]]
    for day in range(start, end, 86400):
        if offset(day + 86400) != changes[-1][1]:
            low, high = day, day + 86400  # the change lies in (low, high]: halve to the second
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset(middle) == changes[-1][1] else (low, middle)
            changes.append([high * 1000, offset(high)])
    return {"until": end * 1000, "changes": changes}


def hours_data(contact: Contact, lang: str) -> str:
    """Opening hours as JSON for the device to compute "open now" offline, in the contact's zone."""
    locale = FORMAT_LOCALES[lang]
    return json.dumps(
        {
            "timezone": contact.timezone,
            "utc_offsets": utc_offsets(contact.timezone, dt.date.today().year - 1),
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
        },
        ensure_ascii=False,
    )


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
    content = current_app.extensions["wegwijzer.content"]
    region = content.regions.get(region_id) or abort(404)
    return render_template(f"{region.kind}.html", region=region)


@pages.get("/contacts/")
def contacts():
    """Every number in the app, with tap-to-dial and opening hours."""
    return render_template("contacts.html")


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
