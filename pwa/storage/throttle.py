"""Sign-in throttling: five failures for an account or an address lock it for 15 minutes."""

import datetime as dt
from pathlib import Path

from tinydb import Query

from .atomic import locked, open_db
from .clock import timestamp, utc_now
from .staff import normalise_email

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)


def _folder(data_dir) -> Path:
    return Path(data_dir) / "staff"


def _throttle(data_dir):
    return open_db(_folder(data_dir) / "throttle.json").table("failures")


def throttle_keys(email: str, address: str | None) -> list[str]:
    """One counter per account name (existing or not) and one per client address."""
    return [f"account:{normalise_email(email)}", f"address:{address or 'unknown'}"]


def locked_out(data_dir, keys: list[str], now: dt.datetime | None = None) -> bool:
    moment = timestamp(now)
    table = _throttle(data_dir)
    for key in keys:
        entry = table.get(Query().key == key)
        if entry and entry.get("locked_until") and entry["locked_until"] > moment:
            return True
    return False


def record_failure(data_dir, keys: list[str], now: dt.datetime | None = None) -> None:
    """Count a failed attempt; the fifth within 15 minutes locks the key for 15 minutes."""
    moment = utc_now(now)
    window_start = timestamp(moment - LOCKOUT)
    with locked(_folder(data_dir), "throttle"):
        table = _throttle(data_dir)
        for key in keys:
            entry = table.get(Query().key == key) or {"key": key, "failures": []}
            failures = [at for at in entry["failures"] if at > window_start] + [timestamp(moment)]
            entry = {"key": key, "failures": failures, "locked_until": None}
            if len(failures) >= MAX_FAILURES:
                entry = {"key": key, "failures": [], "locked_until": timestamp(moment + LOCKOUT)}
            table.upsert(entry, Query().key == key)


def clear_failures(data_dir, key: str) -> None:
    with locked(_folder(data_dir), "throttle"):
        _throttle(data_dir).remove(Query().key == key)
