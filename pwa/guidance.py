"""Load and validate the guidance content (steps, contacts, hours, sources) at start-up."""

import datetime as dt
import tomllib
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType, shortnumberinfo

LOCALES = ("nl", "fr", "en")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CONTENT_DIR = Path(__file__).parent / "content"
REGION_FILES = ("antwerpen.toml", "nederland.toml")
# Numbers of these types are not reliably reachable from abroad, so they are dialled as written.
NATIONAL_ONLY_TYPES = {PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST}

if TYPE_CHECKING:  # opening_calendar imports Text from here, so it is imported where it is used
    from .opening_calendar import ClosingDay


class ContentError(ValueError):
    """A content file is broken; the message names the file and the item."""


class Text(dict):
    """One text in every locale: Text({'nl': ..., 'fr': ..., 'en': ...})."""

    def __call__(self, locale: str) -> str:
        return self[locale] if locale in self else self["nl"]


@dataclass(frozen=True)
class Phone:
    written: str  # as in the source document
    display: str  # familiar local form
    tel_uri: str  # what a tap dials


@dataclass(frozen=True)
class OpeningHours:
    days: tuple[int, ...]  # 0 = Monday
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class Contact:
    id: str
    name: Text
    role: Text
    phone: Phone
    source: str
    hours: tuple[OpeningHours, ...] = ()
    hours_text: Text | None = None
    timezone: str = "Europe/Brussels"
    # How a call button names it, where a language needs more than "Call <name>" (an article).
    call: Text | None = None
    # The public holidays it keeps (a code in opening_calendar.CALENDARS), and its own closing
    # days: "open now" skips both.
    holidays: str | None = None
    closing_days: tuple["ClosingDay", ...] = ()


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: Text


@dataclass(frozen=True)
class Step:
    """A step of a flow, or a situation of a wegwijzer: who acts and what happens."""

    id: str
    title: Text
    who: Text
    what: Text
    source: str
    contacts: tuple[Contact, ...] = ()
    checklist: tuple[ChecklistItem, ...] = ()
    urgent: bool = False


@dataclass(frozen=True)
class Region:
    id: str
    kind: str  # "flow": ordered steps; "situations": a wegwijzer by situation
    country: str
    name: Text
    intro: Text
    source: str
    contacts: tuple[Contact, ...]
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Content:
    sources: dict[str, dict]
    emergency: Contact
    regions: dict[str, Region]


class _Reader:
    """Reads one file's items, turning every problem into a ContentError naming the place."""

    def __init__(self, filename: str, sources: dict):
        self.filename = filename
        self.sources = sources

    def fail(self, where: str, message: str):
        raise ContentError(f"{self.filename}: {where}: {message}")

    def field(self, data: dict, key: str, where: str):
        if key not in data:
            self.fail(where, f"missing '{key}'")
        return data[key]

    def text(self, data: dict, key: str, where: str) -> Text:
        value = self.field(data, key, where)
        return self.text_value(value, f"{where}.{key}")

    def text_value(self, value, where: str) -> Text:
        if not isinstance(value, dict):
            self.fail(where, "must be a table with nl, fr and en")
        for locale in LOCALES:
            if not str(value.get(locale, "")).strip():
                self.fail(where, f"no '{locale}' text")
        extra = set(value) - set(LOCALES) - {"id"}
        if extra:
            self.fail(where, f"unknown language(s) {sorted(extra)}")
        return Text({locale: value[locale].strip() for locale in LOCALES})

    def source(self, data: dict, where: str) -> str:
        source = self.field(data, "source", where)
        if source not in self.sources:
            self.fail(where, f"source '{source}' is not declared in common.toml")
        return source

    def phone(self, written: str, country: str, where: str) -> Phone:
        written = str(written).strip()
        if shortnumberinfo.is_emergency_number(written, country):
            return Phone(written, written, f"tel:{written}")
        try:
            number = phonenumbers.parse(written, country)
        except phonenumbers.NumberParseException as exc:
            self.fail(where, f"phone '{written}' cannot be parsed: {exc}")
        if not phonenumbers.is_valid_number_for_region(number, country):
            self.fail(where, f"phone '{written}' is not a valid {country} number")
        display = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        national_only = phonenumbers.number_type(number) in NATIONAL_ONLY_TYPES
        if national_only or not phonenumbers.can_be_internationally_dialled(number):
            dial = "".join(ch for ch in display if ch.isdigit())
        else:
            dial = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        return Phone(written, display, f"tel:{dial}")

    def hours(self, data: dict, where: str) -> tuple[OpeningHours, ...]:
        result = []
        for index, entry in enumerate(data.get("hours", [])):
            place = f"{where}.hours[{index}]"
            days = self.field(entry, "days", place)
            if not days or any(day not in WEEKDAYS for day in days):
                self.fail(place, f"days must be some of {', '.join(WEEKDAYS)}, got {days}")
            try:
                opens = dt.time.fromisoformat(self.field(entry, "opens", place))
                closes = dt.time.fromisoformat(self.field(entry, "closes", place))
            except (TypeError, ValueError) as exc:
                self.fail(place, f"times must be HH:MM ({exc})")
            if opens >= closes:
                self.fail(place, f"opens {opens:%H:%M} is not before closes {closes:%H:%M}")
            result.append(OpeningHours(tuple(WEEKDAYS.index(d) for d in days), opens, closes))
        return tuple(result)

    def calendar(self, data: dict, hours: tuple, where: str) -> tuple[str | None, tuple]:
        """The contact's `holidays` code and `closing_days`, checked by opening_calendar."""
        from .opening_calendar import ClosingDay, check_calendar, check_closing_day

        code, entries = data.get("holidays"), data.get("closing_days", [])
        if (code is not None or entries) and not hours:
            self.fail(where, "'holidays' and 'closing_days' need opening 'hours'")
        if code is not None:
            try:
                check_calendar(code)
            except ValueError as exc:
                self.fail(f"{where}.holidays", str(exc))
        if not isinstance(entries, list):
            self.fail(where, "'closing_days' must be a list of {first, last, reason} tables")
        closing_days = []
        for index, entry in enumerate(entries):
            place = f"{where}.closing_days[{index}]"
            if not isinstance(entry, dict) or set(entry) - {"first", "last", "reason"}:
                self.fail(place, "must be a table with first, last (optional) and reason")
            first = self.field(entry, "first", place)
            last = entry.get("last", first)  # one day when there is no 'last'
            reason = self.field(entry, "reason", place)
            try:
                check_closing_day(first, last, reason)
            except ValueError as exc:
                self.fail(place, str(exc))
            closing_days.append(ClosingDay(first, last, self.text_value(reason, f"{place}.reason")))
        return code, tuple(closing_days)

    def contact(self, data: dict, country: str, where: str) -> Contact:
        where = f"{where} ({data.get('id', '?')})"
        timezone = data.get("timezone", "Europe/Brussels")
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.fail(where, f"unknown timezone '{timezone}'")
        hours = self.hours(data, where)
        hours_text = self.text(data, "hours_text", where) if hours else None
        holidays, closing_days = self.calendar(data, hours, where)
        return Contact(
            id=self.field(data, "id", where),
            name=self.text(data, "name", where),
            role=self.text(data, "role", where),
            phone=self.phone(self.field(data, "phone", where), country, where),
            source=self.source(data, where),
            hours=hours,
            hours_text=hours_text,
            timezone=timezone,
            call=self.text(data, "call", where) if "call" in data else None,
            holidays=holidays,
            closing_days=closing_days,
        )

    def step(self, data: dict, contacts: dict, where: str, list_key: str) -> Step:
        where = f"{where} ({data.get('id', '?')})"
        linked = []
        for contact_id in data.get("contacts", []):
            if contact_id not in contacts:
                self.fail(where, f"unknown contact '{contact_id}'")
            linked.append(contacts[contact_id])
        checklist = tuple(
            ChecklistItem(
                self.field(item, "id", where), self.text_value(item, f"{where}.{list_key}[{i}]")
            )
            for i, item in enumerate(data.get(list_key, []))
        )
        return Step(
            id=self.field(data, "id", where),
            title=self.text(data, "title", where),
            who=self.text(data, "who", where),
            what=self.text(data, "what", where),
            source=self.source(data, where),
            contacts=tuple(linked),
            checklist=checklist,
            urgent=bool(data.get("urgent", False)),
        )


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ContentError(f"{path.name}: file is missing") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path.name}: not valid TOML: {exc}") from exc


def _read_region(path: Path, sources: dict) -> Region:
    data = _read_toml(path)
    reader = _Reader(path.name, sources)
    country = reader.field(data, "country", "region")
    contacts = {}
    for index, item in enumerate(data.get("contacts", [])):
        contact = reader.contact(item, country, f"contacts[{index}]")
        if contact.id in contacts:
            reader.fail(f"contacts[{index}]", f"duplicate id '{contact.id}'")
        contacts[contact.id] = contact
    # A flow has ordered steps with a checklist; a wegwijzer has situations with actions.
    list_name, item_list = ("steps", "checklist") if "steps" in data else ("situations", "actions")
    items = data.get(list_name) or reader.fail("region", "needs 'steps' or 'situations'")
    steps = tuple(
        reader.step(item, contacts, f"{list_name}[{index}]", item_list)
        for index, item in enumerate(items)
    )
    return Region(
        id=reader.field(data, "region", "region"),
        kind="flow" if list_name == "steps" else "situations",
        country=country,
        name=reader.text(data, "name", "region"),
        intro=reader.text(data, "intro", "region"),
        source=reader.source(data, "region"),
        contacts=tuple(contacts.values()),
        steps=steps,
    )


def load_content(directory: Path = CONTENT_DIR) -> Content:
    """Read every content file in `directory`; raise ContentError on the first problem."""
    directory = Path(directory)
    common = _read_toml(directory / "common.toml")
    sources = {source["id"]: source for source in common.get("sources", [])}
    reader = _Reader("common.toml", sources)
    for source in sources.values():
        where = f"sources.{source['id']}"
        if source.get("document"):
            # A seed document is cited by its own (Dutch) title, as it is.
            if not isinstance(source.get("title"), str):
                reader.fail(where, "a document's title is its own title, as text")
        else:
            # Anything else says, in every language, what it is and that no document backs it.
            source["title"] = reader.text(source, "title", where)
    emergency = reader.field(common, "emergency", "common")
    emergency_contact = reader.contact(emergency, "BE", "emergency")
    if not shortnumberinfo.is_emergency_number(emergency_contact.phone.written, "NL"):
        reader.fail("emergency", "the emergency number must work in Belgium and the Netherlands")
    regions = {}
    for filename in REGION_FILES:
        region = _read_region(directory / filename, sources)
        regions[region.id] = region
    return Content(sources=sources, emergency=emergency_contact, regions=regions)
