"""The app as wsgi.py makes it, with its clock fixed at $TEST_CLOCK (an ISO instant).

The pages carry a calendar for the server's today (pwa/opening_calendar.py); fixing that day
keeps the browser tests' dates inside it in any year the tests run.
"""

import datetime as dt
import os

from pwa import create_app

app = create_app()
_now = dt.datetime.fromisoformat(os.environ["TEST_CLOCK"])
app.config["CLOCK"] = lambda: _now
