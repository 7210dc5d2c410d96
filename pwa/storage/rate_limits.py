"""Recent requests per client address, shared by every server worker, kept no longer than needed.

Layout: `<data>/ratelimit/<purpose>-<hash>.json`, one small file per purpose ("concerns",
"csrf") and client, holding the times (Unix seconds) of that client's requests in the last
period. The hash is an HMAC of the address with the app's secret key: the folder never holds
an address, and without the key its names cannot be matched to one. A file lives one period
after its last request at most: each request prunes its own file, and a sweep (at most every
SWEEP_SECONDS) deletes the files of clients that did not come back. Backups skip this folder.

Writes are atomic (temp file + rename) but not fsynced: a power cut may forget the last
seconds of counts, which only lets a client a few requests more; a torn file reads as empty.
"""

import hashlib
import hmac
import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

from .atomic import FILE_MODE, locked, write_atomically

FOLDER = "ratelimit"
# A request never waits long for the limiter: past this, the caller lets it through (Busy).
LOCK_TIMEOUT_SECONDS = 1.0
SWEEP_SECONDS = 600
SWEEP_MARKER = ".swept"


@dataclass(frozen=True)
class Allowance:
    """At most `count` requests per `seconds`, per client."""

    count: int
    seconds: int


@dataclass(frozen=True)
class Decision:
    """allowed: the request was counted at `at`; else retry_after: whole seconds to a free slot."""

    allowed: bool
    retry_after: int = 0
    at: float = 0.0


def _folder(data_dir) -> Path:
    return Path(data_dir) / FOLDER


def bucket_name(secret: str, purpose: str, client: str) -> str:
    """The file name for one purpose and client: a keyed hash, never the address itself."""
    digest = hmac.new(secret.encode(), f"{purpose}\n{client}".encode(), hashlib.sha256)
    return f"{purpose}-{digest.hexdigest()[:32]}.json"


def _read(path: Path) -> list[float]:
    try:
        times = json.loads(path.read_bytes())
    except (FileNotFoundError, ValueError):  # never written, swept, or torn by a power cut
        return []
    return [t for t in times if isinstance(t, int | float)] if isinstance(times, list) else []


def _write(path: Path, times: list[float]) -> None:
    """Replace the file whole (or delete it when empty); see the module docstring on fsync."""
    if not times:
        path.unlink(missing_ok=True)
        return
    write_atomically(path, json.dumps([round(t, 3) for t in times]).encode(), durable=False)


def take(data_dir, bucket: str, allowance: Allowance, now: float | None = None) -> Decision:
    """Count a request in `bucket` if the last period holds fewer than allowed; else refuse.

    Raises Busy when another worker holds the lock for more than LOCK_TIMEOUT_SECONDS.
    """
    folder = _folder(data_dir)
    with locked(folder, "ratelimit", timeout=LOCK_TIMEOUT_SECONDS):
        # The time is read under the lock: read before, a request that waited for the lock
        # would see the one before it as "in the future".
        now = round(time.time() if now is None else now, 3)  # as stored: give_back finds it
        _sweep_if_due(folder, allowance.seconds, now)
        path = folder / bucket
        stored = _read(path)
        recent = sorted(t for t in stored if t > now - allowance.seconds)
        if len(recent) >= allowance.count:
            # A slot frees when the count-th newest request leaves the window.
            frees_at = recent[-allowance.count] + allowance.seconds
            if len(recent) < len(stored):
                _write(path, recent)
            return Decision(False, retry_after=max(1, math.ceil(frees_at - now)))
        _write(path, [*recent, now])
    return Decision(True, at=now)


def give_back(data_dir, bucket: str, at: float) -> None:
    """Uncount the request counted at `at` (it stored nothing, e.g. the store was busy)."""
    folder = _folder(data_dir)
    with locked(folder, "ratelimit", timeout=LOCK_TIMEOUT_SECONDS):
        path = folder / bucket
        times = _read(path)
        if at in times:
            times.remove(at)
            _write(path, times)


def _sweep_if_due(folder: Path, period: int, now: float) -> None:
    """Delete the files of clients with no request in the last period (under the lock)."""
    marker = folder / SWEEP_MARKER
    try:
        if now - marker.stat().st_mtime < min(period, SWEEP_SECONDS):
            return
    except FileNotFoundError:
        pass
    for path in folder.glob("*.json"):
        try:
            if now - path.stat().st_mtime > period:
                path.unlink()
        except FileNotFoundError:
            pass
    marker.touch(mode=FILE_MODE)
    os.utime(marker, (now, now))
