"""The app's clock: the real time, or the test's CLOCK setting, for every blueprint alike."""

import datetime as dt

from flask import current_app

from .storage.clock import utc_now


def now() -> dt.datetime:
    """The current UTC time; tests may set CLOCK to a callable to fix or move time."""
    clock = current_app.config.get("CLOCK")
    return utc_now(clock() if clock else None)
