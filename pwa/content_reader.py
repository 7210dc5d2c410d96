"""Validates a guidance document item by item; every problem is a ContentError naming the item.

The same checks run at start-up (the package's defaults and the published version), on every
admin edit and on an import: no phone can be shown a number that did not pass them.
"""

import datetime as dt
import zoneinfo

from phonenumbers import shortnumberinfo

from .content_values import fail, field, parse_hours, parse_phone, text, text_value
from .guidance import (
    DOCUMENT_FORMAT,
    Checked,
    ChecklistItem,
    Contact,
    Content,
    Region,
    Step,
)

# The source of an item an admin changed or added: the admin who checked it is named with it.
CMP_SOURCE = "cmp"


def parse_calendar(data: dict, hours: tuple, where: str) -> tuple[str | None, tuple]:
    """A contact's `holidays` code and `closing_days`, checked by opening_calendar."""
    from .opening_calendar import ClosingDay, check_calendar, check_closing_day

    code, entries = data.get("holidays"), data.get("closing_days", [])
    if (code is not None or entries) and not hours:
        fail(where, "'holidays' and 'closing_days' need opening 'hours'")
    if code is not None:
        try:
            check_calendar(code)
        except ValueError as exc:
            fail(f"{where}.holidays", str(exc))
    if not isinstance(entries, list):
        fail(where, "'closing_days' must be a list of {first, last, reason} tables")
    closing_days = []
    for index, entry in enumerate(entries):
        place = f"{where}.closing_days[{index}]"
        if not isinstance(entry, dict) or set(entry) - {"first", "last", "reason"}:
            fail(place, "must be a table with first, last (optional) and reason")
        first = field(entry, "first", place)
        last = entry.get("last", first)  # one day when there is no 'last'
        reason = field(entry, "reason", place)
        try:
            check_closing_day(first, last, reason)
        except ValueError as exc:
            fail(place, str(exc))
        closing_days.append(ClosingDay(first, last, text_value(reason, f"{place}.reason")))
    return code, tuple(closing_days)


class _Reader:
    """Reads one document's items against its declared sources."""

    def __init__(self, sources: dict):
        self.sources = sources

    def checked(self, data: dict, where: str) -> Checked:
        source = field(data, "source", where)
        if source not in self.sources:
            fail(where, f"source '{source}' is not declared in [[sources]]")
        verified_on = field(data, "verified_on", where)
        if not isinstance(verified_on, dt.date) or isinstance(verified_on, dt.datetime):
            fail(where, "verified_on must be a date (YYYY-MM-DD)")
        verified_by = data.get("verified_by")
        if source == CMP_SOURCE and not str(verified_by or "").strip():
            fail(where, "an item checked by the CMP names the admin who checked it (verified_by)")
        return Checked(source, verified_on, str(verified_by).strip() if verified_by else None)

    def contact(self, data: dict, country: str, where: str) -> Contact:
        where = f"{where} ({data.get('id', '?') if isinstance(data, dict) else '?'})"
        timezone = data.get("timezone", "Europe/Brussels")
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            fail(where, f"unknown timezone '{timezone}'")
        hours = parse_hours(data.get("hours"), where)
        holidays, closing_days = parse_calendar(data, hours, where)
        try:
            phone = parse_phone(field(data, "phone", where), country)
        except ValueError as exc:
            fail(where, str(exc))
        return Contact(
            id=field(data, "id", where),
            name=text(data, "name", where),
            role=text(data, "role", where),
            phone=phone,
            checked=self.checked(data, where),
            hours=hours,
            hours_text=text(data, "hours_text", where) if hours else None,
            timezone=timezone,
            call=text(data, "call", where) if "call" in data else None,
            holidays=holidays,
            closing_days=closing_days,
        )

    def step(self, data: dict, contacts: dict, where: str, list_key: str) -> Step:
        where = f"{where} ({data.get('id', '?') if isinstance(data, dict) else '?'})"
        linked = []
        for contact_id in data.get("contacts", []):
            if contact_id not in contacts:
                fail(where, f"unknown contact '{contact_id}'")
            linked.append(contacts[contact_id])
        checklist = tuple(
            ChecklistItem(field(item, "id", where), text_value(item, f"{where}.{list_key}[{i}]"))
            for i, item in enumerate(data.get(list_key, []))
        )
        return Step(
            id=field(data, "id", where),
            title=text(data, "title", where),
            who=text(data, "who", where),
            what=text(data, "what", where),
            checked=self.checked(data, where),
            contacts=tuple(linked),
            checklist=checklist,
            urgent=bool(data.get("urgent", False)),
        )

    def region(self, data: dict, where: str) -> Region:
        country = field(data, "country", where)
        where = f"{where} ({data.get('region', '?')})"
        contacts = {}
        for index, item in enumerate(data.get("contacts", [])):
            contact = self.contact(item, country, f"{where}.contacts[{index}]")
            if contact.id in contacts:
                fail(f"{where}.contacts[{index}]", f"duplicate id '{contact.id}'")
            contacts[contact.id] = contact
        # A flow has ordered steps with a checklist; a wegwijzer has situations with actions.
        list_name, item_list = (
            ("steps", "checklist") if "steps" in data else ("situations", "actions")
        )
        items = data.get(list_name) or fail(where, "needs 'steps' or 'situations'")
        steps = tuple(
            self.step(item, contacts, f"{where}.{list_name}[{index}]", item_list)
            for index, item in enumerate(items)
        )
        if len({step.id for step in steps}) != len(steps):
            fail(where, f"two {list_name} share an id")
        return Region(
            id=field(data, "region", where),
            kind="flow" if list_name == "steps" else "situations",
            country=country,
            name=text(data, "name", where),
            intro=text(data, "intro", where),
            checked=self.checked(data, where),
            contacts=tuple(contacts.values()),
            steps=steps,
        )


def _read_sources(document: dict) -> dict:
    sources = {}
    for index, source in enumerate(document.get("sources", [])):
        where = f"sources[{index}] ({source.get('id', '?')})"
        source = dict(source)
        if source.get("document"):
            # A seed document is cited by its own (Dutch) title, as it is.
            if not isinstance(source.get("title"), str):
                fail(where, "a document's title is its own title, as text")
        else:
            # Anything else says, in every language, what it is and that no document backs it.
            source["title"] = text(source, "title", where)
        sources[field(source, "id", where)] = source
    return sources


def read_document(document: dict) -> Content:
    """Every item of a parsed document, validated; ContentError on the first problem."""
    if document.get("format") != DOCUMENT_FORMAT:
        fail("document", f"format must be {DOCUMENT_FORMAT}, not {document.get('format')!r}")
    sources = _read_sources(document)
    if CMP_SOURCE not in sources:
        fail("sources", f"the '{CMP_SOURCE}' source (checked by the CMP) must be declared")
    reader = _Reader(sources)
    emergency = reader.contact(field(document, "emergency", "document"), "BE", "emergency")
    if not shortnumberinfo.is_emergency_number(emergency.phone.written, "NL"):
        fail("emergency", "the emergency number must work in Belgium and the Netherlands")
    regions = {}
    for index, data in enumerate(field(document, "regions", "document")):
        region = reader.region(data, f"regions[{index}]")
        if region.id in regions:
            fail(f"regions[{index}]", f"duplicate region '{region.id}'")
        regions[region.id] = region
    return Content(sources=sources, emergency=emergency, regions=regions)
