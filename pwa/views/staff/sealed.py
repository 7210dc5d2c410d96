"""Opening sealed concerns in the signed-in session (issue #10), for the pages that show them."""

from flask import g

from ...sealing import SealError
from ...storage import sealed_records

NO_ACCESS = "no-access"  # the account holds no CMP key (not granted, or reset since)
DAMAGED = "damaged"  # a sealed part does not open: damaged, altered, or under another key


def opened(record: dict) -> tuple[dict | None, str | None]:
    """(the record with its sealed parts opened, None) or (None, why it cannot be opened)."""
    try:
        return sealed_records.open_record(record, g.get("keys")), None
    except sealed_records.NoAccess:
        return None, NO_ACCESS
    except SealError:
        return None, DAMAGED


def opened_or_clear(record: dict) -> dict:
    """The record opened, else only its clear parts (a linked concern in the chronology)."""
    view, _problem = opened(record)
    return view if view is not None else sealed_records.clear_only(record)


def is_urgent(record: dict) -> bool:
    """The urgent badge: a sealed field, so only for a session that opens it."""
    view, _problem = opened(record)
    return bool(view and view["fields"].get("urgent"))


def no_access() -> bool:
    """True when concerns are sealed and this session holds no key to open them."""
    return bool(g.get("keys_exist")) and not g.get("keys")
