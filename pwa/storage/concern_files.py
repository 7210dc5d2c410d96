"""The concern files: one TinyDB file per concern, <id>.json, always read and written whole.

Reading needs no lock: a file appears whole or not at all (the rename or link of an fsynced
temp file). Nothing else in the folder (claims, references, temp files) is a concern.
"""

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

from .atomic import FOLDER_MODE, AtomicJSONStorage, locked, open_db
from .references import REFERENCE_PATTERN

TABLE = "concern"
KEY_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def is_concern_id(value: str) -> bool:
    """A lower-case UUID v4, the only shape of id (and the only file names we open)."""
    return isinstance(value, str) and KEY_PATTERN.fullmatch(value) is not None


def folder(data_dir) -> Path:
    """<data_dir>/concerns, made (0700) when missing."""
    path = Path(data_dir) / "concerns"
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    return path


def read(path: Path) -> dict | None:
    """The record in a concern file, or None when there is no such file."""
    if not path.exists():
        return None
    record = open_db(path).table(TABLE).get(doc_id=1)
    return dict(record) if record is not None else None


def write(path: Path, record: dict) -> None:
    """One atomic write of the whole concern file, in TinyDB's own format."""
    AtomicJSONStorage(path).write({TABLE: {"1": record}})


def create(path: Path, record: dict) -> bool:
    """Write a new concern file durably; False, and nothing replaced, when it exists already."""
    return AtomicJSONStorage(path).create({TABLE: {"1": record}})


def _newest_first(record: dict) -> tuple:
    match = REFERENCE_PATTERN.fullmatch(record.get("reference", ""))
    year, number = (int(match[1]), int(match[2])) if match else (0, 0)
    return record.get("received_at", ""), year, number


# Parsed concern files by path, with the stat they were read at. The inbox lists every
# concern on each view; an atomic replace changes the inode, so a changed file is re-read.
_listing_cache: dict[str, tuple[tuple, str]] = {}


def list_concerns(data_dir) -> list[dict]:
    """Every stored concern, newest first (unchanged files come from a cache)."""
    records, seen = [], set()
    with os.scandir(folder(data_dir)) as entries:
        for entry in entries:
            name = entry.name
            if not (name.endswith(".json") and is_concern_id(name.removesuffix(".json"))):
                continue
            try:
                stat = entry.stat()
                stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
                cached = _listing_cache.get(entry.path)
                if cached is None or cached[0] != stamp:
                    cached = (stamp, Path(entry.path).read_text())
                    _listing_cache[entry.path] = cached
            except FileNotFoundError:
                continue  # deleted while we listed
            seen.add(entry.path)
            # A fresh dict per call, so a caller can never change the cached copy.
            records.append(json.loads(cached[1])[TABLE]["1"])
    for path in set(_listing_cache) - seen:
        if path.startswith(str(folder(data_dir))):
            del _listing_cache[path]
    return sorted(records, key=_newest_first, reverse=True)


def rewrite_each(
    data_dir,
    change: Callable[[dict], bool],
    after_write: Callable[[str], None] | None = None,
) -> int:
    """Offer every concern record to `change`; write back each one it changed. Returns how many.

    One file at a time under the concerns lock (as staff actions take it), each write atomic, so
    an interruption leaves every file before or after. updated_at stays: nobody worked on it.
    `after_write(concern_id)` follows each write (progress; a test interrupts with it).
    """
    path_of = folder(data_dir)
    written = 0
    for name in sorted(os.listdir(path_of)):
        concern_id = name.removesuffix(".json")
        if not (name.endswith(".json") and is_concern_id(concern_id)):
            continue
        with locked(path_of, "concerns"):
            record = read(path_of / name)
            if record is None or not change(record):
                continue
            write(path_of / name, record)
        written += 1
        if after_write:
            after_write(concern_id)
    return written
