"""One clock for every store: aware UTC datetimes, stored as 'YYYY-MM-DDTHH:MM:SSZ'."""

import datetime as dt


def utc_now(now: dt.datetime | None = None) -> dt.datetime:
    """`now` (a test's or a caller's clock) or the real time, as an aware UTC datetime."""
    moment = now or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)  # naive means UTC here, never the server's zone
    return moment.astimezone(dt.UTC)


def timestamp(now: dt.datetime | None = None) -> str:
    """The one stored form of a moment: UTC to the second, with a Z (sorts as text too)."""
    return utc_now(now).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_time(value: str | None) -> dt.datetime | None:
    """A stored timestamp back as an aware UTC datetime (older '+00:00' forms read too)."""
    if not value:
        return None
    return utc_now(dt.datetime.fromisoformat(value))
