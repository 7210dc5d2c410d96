"""The app with os.fsync switched off: NOT durable, only for bench/sync.py.

It shows what the CPU allows for POST /api/concerns when the disk costs nothing, so the
sync figure can be read against it: on a small shared machine, parsing, validating and
answering a request (not the fsyncs) can be what limits the rate.
"""

import os

os.fsync = lambda fd: None

from wsgi import app  # noqa: E402, F401
