"""The guidance's model (steps, contacts, hours, sources) and how a document becomes one.

A *document* is the guidance as TOML text, in the format of pwa/content/guidance.toml: the
package's defaults, a CMP admin's draft, a published version and an export all share it.
`build_content()` validates one completely (pwa/content_reader.py) or raises ContentError.
"""

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

LOCALES = ("nl", "fr", "en")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_FILE = Path(__file__).parent / "content" / "guidance.toml"
DOCUMENT_FORMAT = 1

if TYPE_CHECKING:  # opening_calendar imports Text from here, so it is imported where it is used
    from .opening_calendar import ClosingDay


class ContentError(ValueError):
    """A document is broken; the message names the item and the problem."""


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
class Checked:
    """Where an item's facts come from and when someone last checked them."""

    source: str  # a declared source id: a seed document, or "cmp"
    verified_on: dt.date
    verified_by: str | None = None  # the admin who checked it, for source "cmp"


@dataclass(frozen=True)
class Contact:
    id: str
    name: Text
    role: Text
    phone: Phone
    checked: Checked
    hours: tuple[OpeningHours, ...] = ()
    hours_text: Text | None = None
    timezone: str = "Europe/Brussels"
    # How a call button names it, where a language needs more than "Call <name>" (an article).
    call: Text | None = None
    # The public holidays it keeps (a code in opening_calendar.CALENDARS), and its own closing
    # days: "open now" skips both.
    holidays: str | None = None
    closing_days: tuple["ClosingDay", ...] = ()

    @property
    def source(self) -> str:
        return self.checked.source


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
    checked: Checked
    contacts: tuple[Contact, ...] = ()
    checklist: tuple[ChecklistItem, ...] = ()
    urgent: bool = False

    @property
    def source(self) -> str:
        return self.checked.source


@dataclass(frozen=True)
class Region:
    id: str
    kind: str  # "flow": ordered steps; "situations": a wegwijzer by situation
    country: str
    name: Text
    intro: Text
    checked: Checked
    contacts: tuple[Contact, ...]
    steps: tuple[Step, ...]

    @property
    def source(self) -> str:
        return self.checked.source


@dataclass(frozen=True)
class Content:
    sources: dict[str, dict]
    emergency: Contact
    regions: dict[str, Region]

    def source_ids(self, *groups) -> list[str]:
        """The sources of these items or tuples of items (all when none given), each once."""
        if not groups:
            groups = [self.emergency]
            for region in self.regions.values():
                groups += [region, region.contacts, region.steps]
        items = []
        for group in groups:
            items += group if isinstance(group, tuple | list) else [group]
        return list(dict.fromkeys(item.source for item in items))


def parse_document(text: str) -> dict:
    """A document's TOML text as data; ContentError when it is not TOML at all."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"not valid TOML: {exc}") from exc


def build_content(text: str) -> Content:
    """Validate a whole document and return its Content; ContentError on the first problem."""
    # Both need this module's classes, so they are imported when first used.
    from .content_reader import read_document
    from .content_structure import check_structure

    content = read_document(parse_document(text))
    check_structure(content)
    return content


def default_text(path: Path | str = DEFAULT_FILE) -> str:
    """The package's default document (or a test's copy)."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ContentError(f"{Path(path).name}: file is missing") from exc


def load_content(path: Path | str = DEFAULT_FILE) -> Content:
    """Read and validate a document file; ContentError names the file on the first problem."""
    try:
        return build_content(default_text(path))
    except ContentError as exc:
        raise ContentError(f"{Path(path).name}: {exc}") from exc
