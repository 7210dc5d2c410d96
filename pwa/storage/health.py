"""Is the data folder usable? For /readyz: writable, every store parses, the format current.

Each check returns the names of what failed, never a file's content: the folder holds
concerns about minors. Cheap enough for a probe every few seconds: the concern files are
counted, not read (each is written whole and atomically, and `flask check` reads them all).
"""

import json
import os
from pathlib import Path

from .atomic import write_atomically
from .data_format import DataFormatError, format_problem

# Stores read whole on every start or request, by the name /readyz reports.
JSON_STORES = {
    "staff": "staff/accounts.json",
    "throttle": "staff/throttle.json",
    "links": "links.json",
    "guidance": "guidance/current.json",
    "keys": "keys/cmp.json",
}


def _writable(data_dir: Path) -> bool:
    """A durable write and delete in the folder, as every store does."""
    probe = data_dir / f".ready.{os.getpid()}.probe"
    try:
        write_atomically(probe, b"ok")
        probe.unlink()
    except OSError:
        return False
    return True


def _parses(path: Path) -> bool:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return True  # a store not made yet is empty, not broken
    except OSError:
        return False
    try:
        json.loads(raw) if raw else None
    except ValueError:
        return False
    return True


def _concerns_listable(data_dir: Path) -> bool:
    folder = data_dir / "concerns"
    try:
        with os.scandir(folder) as entries:
            for _entry in entries:
                pass
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


def _live_guidance_parses(data_dir: Path) -> bool:
    """The published version current.json points at (every worker serves it)."""
    try:
        pointer = json.loads((data_dir / "guidance" / "current.json").read_bytes())
        number = int(pointer["version"])
    except FileNotFoundError:
        return True  # nothing published: the package's defaults serve
    except (OSError, ValueError, KeyError, TypeError):
        return False
    version = data_dir / "guidance" / "versions" / f"{number}.json"
    return version.is_file() and _parses(version)


def problems(data_dir) -> list[str]:
    """The names of what is not ready; empty when the folder is usable."""
    folder = Path(data_dir)
    failed = [] if _writable(folder) else ["data_folder_writable"]
    failed += [name for name, path in JSON_STORES.items() if not _parses(folder / path)]
    if "guidance" not in failed and not _live_guidance_parses(folder):
        failed.append("guidance")
    if not _concerns_listable(folder):
        failed.append("concerns")
    try:
        outdated = format_problem(folder) is not None  # `flask migrate` has not run yet
    except (DataFormatError, OSError):
        outdated = True  # a marker that cannot be read: nothing safe to serve
    if outdated:
        failed.append("data_format")
    return failed
