"""The data folder's format number, and the migrations from each older format (one place).

<data_dir>/format.json holds {"format": N}. Folders written before the marker existed have
none: they are format 1 when they hold any store, and "fresh" when they hold none. Each step
is idempotent and the marker is written after it, so an interrupted migration resumes.
"""

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

from .atomic import FILE_MODE, FOLDER_MODE, write_atomically
from .store_locks import all_store_locks

CURRENT_FORMAT = 2
MARKER = "format.json"
# What a folder written by an app without the marker holds once it has been used at all.
FORMAT_1_SIGNS = ("concerns", "staff", "audit", "guidance", "keys", "links.json")
# Rebuilt by the app, never part of the format nor of a backup: the rate limits' counters, and
# the compiled catalogs when the data folder is the instance folder (pwa/i18n.py).
EPHEMERAL = ("ratelimit", "translations")
# Files that exist for an instant: locks, temp files, /readyz's write probe.
TRANSIENT = (".lock", ".partial", ".probe")


class DataFormatError(Exception):
    """The data folder's format is not one this app can serve."""


def too_new_message(found: int) -> str:
    return (
        f"This data folder was written by a newer Wegwijzer (format {found}); this version "
        f"understands format {CURRENT_FORMAT}. Install the newer version again, or restore a "
        "backup taken with this version."
    )


def read_format(data_dir) -> int | None:
    """The folder's format; None for a fresh folder (no store yet). DataFormatError if torn."""
    folder = Path(data_dir)
    try:
        found = json.loads((folder / MARKER).read_bytes())["format"]
    except FileNotFoundError:
        return 1 if any((folder / name).exists() for name in FORMAT_1_SIGNS) else None
    except (ValueError, KeyError, TypeError) as error:
        raise DataFormatError(f"{folder / MARKER} cannot be read: {error}") from error
    if not isinstance(found, int) or isinstance(found, bool) or found < 1:
        raise DataFormatError(f"{folder / MARKER} holds no format number")
    return found


def write_marker(data_dir, number: int) -> None:
    write_atomically(Path(data_dir) / MARKER, json.dumps({"format": number}).encode())


def format_problem(data_dir) -> str | None:
    """None when the folder can be served as it is; else what is wrong and what to do."""
    try:
        found = read_format(data_dir)
    except DataFormatError as error:
        return str(error)
    if found is None or found == CURRENT_FORMAT:
        return None
    if found > CURRENT_FORMAT:
        return too_new_message(found)
    return (
        f"The data folder {data_dir} is in format {found}; this version uses format "
        f"{CURRENT_FORMAT}. Run `flask --app wsgi migrate` (take a backup first)."
    )


def prepare(data_dir) -> int:
    """At start: mark a fresh folder current; refuse a newer one. Returns the folder's format."""
    found = read_format(data_dir)
    if found is None:
        Path(data_dir).mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
        Path(data_dir).chmod(FOLDER_MODE)  # the instance folder, when it is the data folder
        write_marker(data_dir, CURRENT_FORMAT)
        return CURRENT_FORMAT
    if found > CURRENT_FORMAT:
        raise DataFormatError(too_new_message(found))
    return found


def owner_only_modes(data_dir) -> int:
    """Step 1 -> 2: every folder 0700 and file 0600 (the data folder itself was made 0755
    by format 1, and a copy or checkout loses modes). Symlinks have none. Returns changes."""
    changed = 0
    for root, folders, files in os.walk(data_dir):
        root_path = Path(root)
        folders[:] = [name for name in folders if name not in EPHEMERAL or root != str(data_dir)]
        entries = [(root_path, FOLDER_MODE)] + [(root_path / n, FILE_MODE) for n in files]
        for path, mode in entries:
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) == mode:
                continue
            path.chmod(mode)
            changed += 1
    return changed


# From format N to N + 1: what the step does, and the step (idempotent; returns a count).
MIGRATIONS: dict[int, tuple[str, Callable[[Path], int]]] = {
    1: ("folders 0700 and files 0600 (owner only)", owner_only_modes),
}


def migrate(
    data_dir, report: Callable[[str], None] = print, migrations=None, current=None
) -> list[int]:
    """Run every step from the folder's format to the current one, under all store locks.

    Returns the formats reached (empty: nothing to do). `migrations` and `current` are for
    tests (a step that fails once).
    """
    migrations = MIGRATIONS if migrations is None else migrations
    current = CURRENT_FORMAT if current is None else current
    reached = []
    with all_store_locks(data_dir):
        found = read_format(data_dir)
        if found is None:
            found = current
            write_marker(data_dir, current)
        if found > current:
            raise DataFormatError(too_new_message(found))
        for number in range(found, current):
            what, step = migrations[number]
            count = step(Path(data_dir))
            write_marker(data_dir, number + 1)  # after the step: a rerun resumes from here
            report(f"format {number} -> {number + 1}: {what} ({count} changed)")
            reached.append(number + 1)
    return reached
