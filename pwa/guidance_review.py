"""Which items of the guidance someone should check again: not verified for too many months."""

import datetime as dt
from dataclasses import dataclass

from .guidance import Checked, Content, Text


@dataclass(frozen=True)
class Item:
    """One item that carries its own source and verified-on date."""

    kind: str  # "emergency", "region", "contact" or "step" (a step or a situation)
    region_id: str | None
    id: str | None
    title: Text
    checked: Checked


def items(content: Content) -> list[Item]:
    """Every checked item, in the order the overview shows them."""
    found = [Item("emergency", None, None, content.emergency.name, content.emergency.checked)]
    for region in content.regions.values():
        found.append(Item("region", region.id, None, region.name, region.checked))
        found += [Item("contact", region.id, c.id, c.name, c.checked) for c in region.contacts]
        found += [Item("step", region.id, s.id, s.title, s.checked) for s in region.steps]
    return found


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for last_day in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def needs_checking(content: Content, today: dt.date, months: int) -> list[Item]:
    """Items last verified more than `months` months before today, the oldest first."""
    limit = months_before(today, months)
    stale = [item for item in items(content) if item.checked.verified_on < limit]
    return sorted(stale, key=lambda item: item.checked.verified_on)
