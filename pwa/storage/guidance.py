"""The guidance the CMP publishes: one draft, numbered versions, and which version is live.

<data_dir>/guidance/
  draft.json      the admins' working copy: {"text", "based_on", "by", "at"}
  versions/N.json every published version, kept for history and rollback:
                  {"version", "text", "by", "at", "action", "from_version"}
  current.json    {"version": N}: replacing this one file is the atomic publish step.

Documents are stored as their TOML text; what they mean is pwa/guidance.py's business.
Version 0 is the package's defaults (nothing published yet): it has no file.
"""

import json
import os
from pathlib import Path

from .atomic import FOLDER_MODE, locked, write_atomically
from .clock import timestamp


class Conflict(Exception):
    """Someone else published since this admin looked: nothing was written."""


def _folder(data_dir) -> Path:
    return Path(data_dir) / "guidance"


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        return None


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    write_atomically(path, json.dumps(data, ensure_ascii=False).encode())


def current_version(data_dir) -> int:
    """The live version's number; 0 while the package's defaults serve."""
    pointer = _read_json(_folder(data_dir) / "current.json")
    return pointer["version"] if pointer else 0


def published_stamp(data_dir) -> tuple | None:
    """Changes whenever a version is published: each worker compares it on every request.

    A publish replaces current.json with a new file, so its inode changes even when two
    publishes fall within the file system's timestamp resolution.
    """
    try:
        info = os.stat(_folder(data_dir) / "current.json")
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def read_version(data_dir, number: int) -> dict | None:
    """One published version, with its text; None for 0 (the defaults) or an unknown number."""
    if not isinstance(number, int) or not 0 < number <= current_version(data_dir):
        return None
    return _read_json(_folder(data_dir) / "versions" / f"{number}.json")


def read_published(data_dir) -> dict | None:
    """The live version, or None while the defaults serve."""
    return read_version(data_dir, current_version(data_dir))


def history(data_dir) -> list[dict]:
    """Every published version, newest first."""
    versions = (read_version(data_dir, n) for n in range(current_version(data_dir), 0, -1))
    return [version for version in versions if version]


def read_draft(data_dir) -> dict | None:
    return _read_json(_folder(data_dir) / "draft.json")


def save_draft(data_dir, text: str, based_on: int, by: str, now=None) -> None:
    """Replace the draft in one atomic write."""
    folder = _folder(data_dir)
    with locked(folder, "guidance"):
        draft = {"text": text, "based_on": based_on, "by": by, "at": timestamp(now)}
        _write_json(folder / "draft.json", draft)


def discard_draft(data_dir) -> None:
    folder = _folder(data_dir)
    with locked(folder, "guidance"):
        (folder / "draft.json").unlink(missing_ok=True)


def publish(
    data_dir,
    text: str,
    by: str,
    now=None,
    *,
    expected: int,
    action: str = "publish",
    from_version: int | None = None,
) -> int:
    """Make `text` the live version; Conflict unless `expected` is still the live version.

    The version file is written first; replacing current.json then publishes it in one step,
    so a crash leaves either the old or the new version live. Publishing the draft ends it.
    """
    folder = _folder(data_dir)
    with locked(folder, "guidance"):
        live = current_version(data_dir)
        if live != expected:
            raise Conflict(f"version {live} is live, not {expected}")
        number = live + 1
        record = {
            "version": number,
            "text": text,
            "by": by,
            "at": timestamp(now),
            "action": action,
            "from_version": from_version,
        }
        # A version file above the live number is a leftover of an interrupted publish.
        _write_json(folder / "versions" / f"{number}.json", record)
        _write_json(folder / "current.json", {"version": number})
        draft = _read_json(folder / "draft.json")
        # The published draft is done; a draft saved since (another admin) is kept.
        if action == "publish" and draft and draft["text"] == text:
            (folder / "draft.json").unlink()
    return number
