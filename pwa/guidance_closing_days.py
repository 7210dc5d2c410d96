"""A contact's closing days in a guidance document: TOML text in, TOML text out.

`closing_days = [{ first = 2026-12-24, last = 2026-12-31, reason = { nl, fr, en } }]` on the
contact, one range a line, in date order; `last` is left out for a single day. The reader
(pwa/content_reader.py) validates them with the rest of the document.
"""

import datetime as dt

import tomlkit

from .guidance import LOCALES
from .guidance_edits import EditError, clean, find_item, inline_array, set_after


def _listed(contact) -> list[dict]:
    """The contact's closing days as plain data; an entry without a first date is skipped.

    (The reader refuses such an entry; this keeps the workspace's pages up meanwhile.)
    """
    days = contact.get("closing_days", tomlkit.array()).unwrap()
    return [day for day in days if isinstance(day, dict) and isinstance(day.get("first"), dt.date)]


def closing_days(text: str, region_id: str, contact_id: str) -> list[dict]:
    """A contact's closing days: [{first, last, reason}], `last` filled in for a single day."""
    contact = find_item(tomlkit.parse(text), "contact", region_id, contact_id)
    return [{**day, "last": day.get("last", day["first"])} for day in _listed(contact)]


def add_closing_days(text: str, region_id: str, contact_id: str, first, last, reason) -> str:
    """Add a closed day or range (kept in date order); EditError "overlap" on a clash."""
    doc = tomlkit.parse(text)
    contact = find_item(doc, "contact", region_id, contact_id)
    days = _listed(contact)
    for day in days:
        if first <= day.get("last", day["first"]) and day["first"] <= last:
            raise EditError("overlap")
    new = {"first": first, "last": last, "reason": {k: clean(reason[k]) for k in LOCALES}}
    if last == first:
        del new["last"]  # one day: `last` is optional
    rows = sorted([*days, new], key=lambda day: day["first"])
    set_after(contact, "timezone", "closing_days", inline_array(rows, multiline=True))
    return tomlkit.dumps(doc)


def remove_closing_days(text: str, region_id: str, contact_id: str, first) -> str:
    """Remove the closing days that start on `first`; EditError "unknown-item" if none do."""
    doc = tomlkit.parse(text)
    contact = find_item(doc, "contact", region_id, contact_id)
    days = _listed(contact)
    rows = [day for day in days if day["first"] != first]
    if len(rows) == len(days):
        raise EditError("unknown-item")
    if rows:
        contact["closing_days"] = inline_array(rows, multiline=True)
    else:
        del contact["closing_days"]
    return tomlkit.dumps(doc)
