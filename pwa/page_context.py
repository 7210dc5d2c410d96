"""What the public guidance pages' templates need: the content, texts in the page's language,
opening hours for "open now", dates.

Two blueprints render those templates: the public pages (pwa/views/public.py) and the
workspace's preview of a draft (pwa/views/staff/content_preview.py), which sets
`g.guidance_preview` so that the same templates show the draft instead of the live version.
"""

import json

from babel.dates import format_date, format_time, get_day_names
from flask import g

from . import clock, vocabulary
from .guidance import Contact, Content
from .i18n import FORMAT_LOCALES, LANGUAGE_NAMES
from .live_guidance import current_content
from .opening_calendar import calendar_window, closed_dates, local_date


def shown_content() -> Content:
    """The guidance this request shows: a preview's draft, else the published version."""
    preview = g.get("guidance_preview")
    return preview if preview is not None else current_content()


def page_context(lang: str) -> dict:
    """The names every public page template uses, for one language."""
    return {
        "lang": lang,
        "languages": LANGUAGE_NAMES,
        "t": lambda text: text(lang),
        "content": shown_content(),
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
