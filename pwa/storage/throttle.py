"""Sign-in throttling: five failures for an account or an address lock it for 15 minutes."""

import datetime as dt
from pathlib import Path

from tinydb import Query

from .atomic import locked, open_db
from .staff import normalise_email

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)


def _folder(data_dir) -> Path:
    return Path(data_dir) / "staff"


def _throttle(data_dir):
    return open_db(_folder(data_dir) / "throttle.json").table("failures")


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def throttle_keys(email: str, address: str | None) -> list[str]:
    """One counter per account name (existing or not) and one per client address."""
    return [f"account:{normalise_email(email)}", f"address:{address or 'unknown'}"]


def locked_out(data_dir, keys: list[str], now: dt.datetime | None = None) -> bool:
    moment = _iso(_now(now))
    table = _throttle(data_dir)
    for key in keys:
        entry = table.get(Query().key == key)
        if entry and entry.get("locked_until") and entry["locked_until"] > moment:
            return True
    return False


def record_failure(data_dir, keys: list[str], now: dt.datetime | None = None) -> None:
    """Count a failed attempt; the fifth within 15 minutes locks the key for 15 minutes."""
    moment = _now(now)
    window_start = _iso(moment - LOCKOUT)
    with locked(_folder(data_dir), "throttle"):
        table = _throttle(data_dir)
        for key in keys:
            entry = table.get(Query().key == key) or {"key": key, "failures": []}
            failures = [at for at in entry["failures"] if at > window_start] + [_iso(moment)]
            entry = {"key": key, "failures": failures, "locked_until": None}
            if len(failures) >= MAX_FAILURES:
                entry = {"key": key, "failures": [], "locked_until": _iso(moment + LOCKOUT)}
            table.upsert(entry, Query().key == key)


def clear_failures(data_dir, key: str) -> None:
    with locked(_folder(data_dir), "throttle"):
        _throttle(data_dir).remove(Query().key == key)
