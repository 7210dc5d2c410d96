"""The append-only audit log: who did what to which concern, and when.

One JSON line per entry, appended with O_APPEND and fsync under the lock: an earlier entry is
never rewritten, so the log cannot be edited through the app. It holds references, never the
content of a concern.
"""

import datetime as dt
import json
import os
from pathlib import Path

from .atomic import FILE_MODE, locked
from .clock import timestamp

LOG_NAME = "audit.jsonl"


def _folder(data_dir) -> Path:
    return Path(data_dir) / "audit"


def record(
    data_dir,
    who: str,
    action: str,
    reference: str | None = None,
    detail: str | None = None,
    now: dt.datetime | None = None,
) -> dict:
    """Append one entry and make it durable before returning."""
    entry = {
        "at": timestamp(now),
        "who": who,
        "action": action,
        "reference": reference,
        "detail": detail,
    }
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode()
    folder = _folder(data_dir)
    with locked(folder, "audit"):
        fd = os.open(folder / LOG_NAME, os.O_RDWR | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line  # a crash cut the last line short: start a fresh one
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
    return entry


def read_entries(data_dir, reference: str | None = None) -> list[dict]:
    """Every entry, newest first (optionally only those about one reference)."""
    path = _folder(data_dir) / LOG_NAME
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut short by a crash mid-append: skip it, keep the rest
        if reference is None or entry.get("reference") == reference:
            entries.append(entry)
    entries.reverse()
    return entries
