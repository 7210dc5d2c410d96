"""The days a contact is closed whatever its weekly hours say: public holidays and closing days."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

import holidays
from holidays.countries import Belgium  # the class itself: holidays.Belgium can't be subclassed

from .guidance import LOCALES, Text

# The package's language codes for the app's locales (it has American English only).
HOLIDAY_LANGUAGES = {"nl": "nl", "fr": "fr", "en": "en_US"}

# 11 July, the Flemish Community's holiday, in the package's language codes.
FLEMISH_COMMUNITY_DAY = {
    "nl": "Feest van de Vlaamse Gemeenschap",
    "fr": "Fête de la Communauté flamande",
    "en_US": "Day of the Flemish Community",
}


class _Flanders(Belgium):
    """Belgium's public holidays, plus 11 July, the Flemish Community's own holiday."""

    def _populate_public_holidays(self):
        super()._populate_public_holidays()
        # holidays 0.109 counts 11 July only among the Flemish *school* holidays (subdiv
        # "Flemish"), yet Flemish public services close that day. The package's own date helper
        # adds it; its catalogs have no translations of the name, so we pick it by language.
        self._add_holiday_jul_11(FLEMISH_COMMUNITY_DAY[self.language])


# A contact's `holidays` code: the ISO 3166 code of the place whose public holidays it keeps.
CALENDARS = {
    "BE": Belgium,  # Belgium's national public holidays
    "BE-VLG": _Flanders,  # Flanders: the national ones and 11 July
}


@dataclass(frozen=True)
class ClosingDay:
    """A day, or a range of days, on which the contact is closed, and why."""

    first: dt.date
    last: dt.date
    reason: Text


@dataclass(frozen=True)
class ClosedDate:
    """One date on which the contact is closed, and why."""

    date: dt.date
    reason: Text


def check_calendar(code: str) -> None:
    """Refuse a `holidays` code the app does not know."""
    if not isinstance(code, str) or code not in CALENDARS:
        known = ", ".join(CALENDARS)
        raise ValueError(f"unknown holidays calendar {code!r} (known: {known})")


def check_closing_day(first, last, reason) -> None:
    """Refuse a closing day that is not a plain date or range with a reason in every language."""
    for name, value in (("first", first), ("last", last)):
        # A datetime is also a date: refuse it, a closing day has no time of day.
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise ValueError(f"'{name}' must be a date like 2026-12-24, not {value!r}")
    if first > last:
        raise ValueError(f"first {first} is after last {last}")
    if not isinstance(reason, dict):
        raise ValueError("'reason' must be a table with nl, fr and en")
    for locale in LOCALES:
        if not isinstance(reason.get(locale), str) or not reason[locale].strip():
            raise ValueError(f"the reason has no '{locale}' text")


def local_date(moment: dt.datetime, timezone: str = "Europe/Brussels") -> dt.date:
    """The date at `moment` in `timezone`: the contact's today, not the server's."""
    return moment.astimezone(zoneinfo.ZoneInfo(timezone)).date()


def window_year(today: dt.date) -> int:
    """The first year of the window: pages made in the same year carry the same calendar."""
    return today.year


def calendar_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """From 1 January of this year to 31 December of the next: always 12 months ahead or more.

    Whole years, so every page made in a year carries the same calendar: it changes (and the
    app's version with it) only at New Year.
    """
    year = window_year(today)
    return dt.date(year, 1, 1), dt.date(year + 1, 12, 31)


@lru_cache(maxsize=8)
def _holidays(code: str, years: tuple[int, ...]) -> dict[dt.date, Text]:
    """The public holidays of those years, each named in every locale (computed once)."""
    named = {
        locale: CALENDARS[code](years=years, categories=holidays.PUBLIC, language=language)
        for locale, language in HOLIDAY_LANGUAGES.items()
    }
    return {day: Text({locale: named[locale][day] for locale in LOCALES}) for day in named["nl"]}


def closed_dates(code: str | None, closing_days, first: dt.date, last: dt.date) -> list[ClosedDate]:
    """Every date from `first` to `last` on which the contact is closed, sorted, one per date.

    A closing day's reason wins over a holiday's name: the contact chose those words for the
    whole range (e.g. "Christmas closure"), so every day of it reads the same.
    """
    closed: dict[dt.date, Text] = {}
    # Earlier closing days in the list win where ranges overlap (setdefault keeps the first).
    for closing in closing_days:
        day = max(closing.first, first)
        while day <= min(closing.last, last):
            closed.setdefault(day, closing.reason)
            day += dt.timedelta(days=1)
    if code is not None:
        check_calendar(code)
        for day, name in _holidays(code, tuple(range(first.year, last.year + 1))).items():
            if first <= day <= last:
                closed.setdefault(day, name)
    return [ClosedDate(day, closed[day]) for day in sorted(closed)]
