"""The checks of single values in a guidance document: texts, phone numbers, weekly hours.

Shared by the whole-document reader (pwa/content_reader.py) and the workspace's edit forms, so
an edit is judged by exactly the rules the start-up applies.
"""

import datetime as dt

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType, shortnumberinfo

from .guidance import LOCALES, WEEKDAYS, ContentError, OpeningHours, Phone, Text

# Numbers of these types are not reliably reachable from abroad, so they are dialled as written.
NATIONAL_ONLY_TYPES = {PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST}


def fail(where: str, message: str):
    raise ContentError(f"{where}: {message}")


def field(data: dict, key: str, where: str):
    if not isinstance(data, dict):
        fail(where, "must be a table")
    if key not in data:
        fail(where, f"missing '{key}'")
    return data[key]


def text_value(value, where: str) -> Text:
    """A text in all three languages, each non-empty."""
    if not isinstance(value, dict):
        fail(where, "must be a table with nl, fr and en")
    for locale in LOCALES:
        if not str(value.get(locale, "")).strip():
            fail(where, f"no '{locale}' text")
    extra = set(value) - set(LOCALES) - {"id"}
    if extra:
        fail(where, f"unknown language(s) {sorted(extra)}")
    return Text({locale: str(value[locale]).strip() for locale in LOCALES})


def text(data: dict, key: str, where: str) -> Text:
    return text_value(field(data, key, where), f"{where}.{key}")


def parse_phone(written: str, country: str) -> Phone:
    """A number as written, its familiar local form and the tel: URI; ValueError if invalid."""
    written = str(written).strip()
    if shortnumberinfo.is_emergency_number(written, country):
        return Phone(written, written, f"tel:{written}")
    try:
        number = phonenumbers.parse(written, country)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"phone '{written}' cannot be parsed: {exc}") from exc
    if not phonenumbers.is_valid_number_for_region(number, country):
        raise ValueError(f"phone '{written}' is not a valid {country} number")
    display = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    national_only = phonenumbers.number_type(number) in NATIONAL_ONLY_TYPES
    if national_only or not phonenumbers.can_be_internationally_dialled(number):
        dial = "".join(ch for ch in display if ch.isdigit())
    else:
        dial = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return Phone(written, display, f"tel:{dial}")


def parse_hours(entries, where: str) -> tuple[OpeningHours, ...]:
    """Weekly opening hours: days and HH:MM times, opening before closing."""
    result = []
    for index, entry in enumerate(entries or []):
        place = f"{where}.hours[{index}]"
        days = field(entry, "days", place)
        if not days or any(day not in WEEKDAYS for day in days):
            fail(place, f"days must be some of {', '.join(WEEKDAYS)}, got {days}")
        try:
            opens = dt.time.fromisoformat(str(field(entry, "opens", place)))
            closes = dt.time.fromisoformat(str(field(entry, "closes", place)))
        except ValueError as exc:
            fail(place, f"times must be HH:MM ({exc})")
        if opens >= closes:
            fail(place, f"opens {opens:%H:%M} is not before closes {closes:%H:%M}")
        result.append(OpeningHours(tuple(WEEKDAYS.index(d) for d in days), opens, closes))
    return tuple(result)
