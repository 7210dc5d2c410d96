"""TinyDB on disk without losing data: atomic replace on every write, one lock across processes."""

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.storages import Storage

# Owner only, everywhere in the data folder: it holds concerns about minors (`flask check`).
FILE_MODE = 0o600
FOLDER_MODE = 0o700
LOCK_TIMEOUT_SECONDS = 30


class Busy(Exception):
    """Another process held a store's lock for too long: nothing was written, try again soon."""

    retry_after_seconds = 5


def fsync_directory(folder: Path) -> None:
    """Make a rename inside `folder` durable (the rename lives in the folder's own data)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _durable_partial(path: Path, data: bytes, durable: bool = True) -> Path:
    """A fresh temp file next to `path` holding `data` (fsynced when durable): ready to rename."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return partial


def write_atomically(path: Path, data: bytes, durable: bool = True) -> None:
    """Write `data` to `path` so a crash at any instant leaves the old or the new file, whole.

    TinyDB's own JSONStorage rewrites the file in place: a crash mid-write corrupts it.
    Here: a temp file in the same folder, fsync, os.replace, fsync the folder. `durable=False`
    skips the fsyncs, for data a power cut may lose (still never a torn file on a crash of
    the process).
    """
    path = Path(path)
    partial = _durable_partial(path, data, durable)
    try:
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if durable:
        fsync_directory(path.parent)


def create_atomically(path: Path, data: bytes) -> bool:
    """Like write_atomically, but never replaces a file: False when `path` already exists.

    link() fails when the name is taken, so of several writers racing for one name exactly
    one wins and a later update is never overwritten. The folder is fsynced either way: a
    loser may answer for the winner's file before the winner made its name durable.
    """
    path = Path(path)
    partial = _durable_partial(path, data)
    try:
        os.link(partial, path)
        created = True
    except FileExistsError:
        created = False
    finally:
        partial.unlink(missing_ok=True)
    fsync_directory(path.parent)
    return created


class AtomicJSONStorage(Storage):
    """A TinyDB storage whose every write is atomic (see write_atomically); files are 0600."""

    def __init__(self, path: str | Path):
        super().__init__()
        self.path = Path(path)

    def read(self):
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        return json.loads(raw) if raw else None

    def write(self, data) -> None:
        write_atomically(self.path, json.dumps(data, ensure_ascii=False).encode())

    def create(self, data) -> bool:
        """Write `data` only if the file does not exist yet (see create_atomically)."""
        return create_atomically(self.path, json.dumps(data, ensure_ascii=False).encode())

    def close(self) -> None:
        pass


def open_db(path: str | Path) -> TinyDB:
    """A TinyDB on `path` with atomic writes. Hold `locked()` around any read-modify-write."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    return TinyDB(path, storage=AtomicJSONStorage)


@contextmanager
def locked(folder: str | Path, name: str = "write", timeout: float | None = None) -> Iterator[None]:
    """Hold a cross-process lock on `folder` (several server workers may write at once).

    Raises Busy after `timeout` seconds (default: LOCK_TIMEOUT_SECONDS, read at call time).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    # A short poll: writes hold the lock for milliseconds, and filelock's default 50 ms
    # wait between tries would dominate the latency of every sync under load.
    lock = FileLock(
        str(folder / f".{name}.lock"),
        timeout=LOCK_TIMEOUT_SECONDS if timeout is None else timeout,
        mode=FILE_MODE,
        poll_interval=0.002,
    )
    try:
        lock.acquire()
    except Timeout as timeout:
        raise Busy(folder.name) from timeout
    try:
        yield
    finally:
        lock.release()
