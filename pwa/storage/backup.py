"""Backup and restore of the whole data folder: one tar.gz with a MANIFEST.json of checksums.

The snapshot is read into memory under every store's lock (store_locks.py), so it is a state
the folder really had; the locks are released before anything is compressed or written. Claims
(hard links of their .ref symlink) are kept as symlinks with the same target. Lock files,
temp files and the ephemeral folders (data_format.py) are left out: they mean nothing in
another folder.
"""

import hashlib
import io
import json
import os
import stat
import tarfile
from pathlib import Path

from .atomic import FILE_MODE, write_atomically
from .clock import timestamp
from .data_format import EPHEMERAL, TRANSIENT, read_format
from .store_locks import all_store_locks

MANIFEST = "MANIFEST.json"
PREFIX = "data/"


class BackupError(Exception):
    """The archive or the target folder is not usable; nothing was restored."""


def _skipped(relative: str, name: str) -> bool:
    return name.endswith(TRANSIENT) or relative.split("/", 1)[0] in EPHEMERAL


def _read_tree(data_dir: Path) -> list[tuple[dict, bytes | None]]:
    """Every folder, file and symlink under data_dir, as (manifest entry, bytes of a file)."""
    items = []
    for root, folders, files in os.walk(data_dir):
        prefix = Path(root).relative_to(data_dir).as_posix()
        inside = "" if prefix == "." else f"{prefix}/"
        folders[:] = sorted(n for n in folders if not _skipped(inside + n, n))
        for name in [*folders, *sorted(files)]:
            path = Path(root) / name
            relative = path.relative_to(data_dir).as_posix()
            if _skipped(relative, name):
                continue
            info = path.lstat()
            entry = {"path": relative, "mode": f"{stat.S_IMODE(info.st_mode):04o}"}
            data = None
            if stat.S_ISLNK(info.st_mode):
                entry.update(type="symlink", target=os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                entry["type"] = "dir"
            elif stat.S_ISREG(info.st_mode):
                data = path.read_bytes()  # hashed after the locks are released
                entry.update(type="file", size=len(data))
            else:
                continue  # a socket or fifo is no data of ours
            items.append((entry, data))
    return items


def _tar_info(entry: dict, data: bytes | None) -> tarfile.TarInfo:
    info = tarfile.TarInfo(PREFIX + entry["path"])
    info.mode = int(entry["mode"], 8)
    if entry["type"] == "dir":
        info.type = tarfile.DIRTYPE
    elif entry["type"] == "symlink":
        info.type, info.linkname = tarfile.SYMTYPE, entry["target"]
    else:
        info.size = len(data)
    return info


def create_backup(data_dir, archive: Path, app_version: str, extra: dict | None = None) -> dict:
    """Write a snapshot of data_dir to `archive` (mode 0600, replaced atomically).

    `extra` maps a path in the data folder to bytes to add (the instance's secret key).
    Returns the manifest.
    """
    data_dir, archive = Path(data_dir), Path(archive)
    with all_store_locks(data_dir):
        items = _read_tree(data_dir)
    for relative, data in (extra or {}).items():
        items.append(({"path": relative, "mode": "0600", "type": "file", "size": len(data)}, data))
    for entry, data in items:
        if data is not None:
            entry["sha256"] = hashlib.sha256(data).hexdigest()
    manifest = {
        "format": read_format(data_dir),
        "app_version": app_version,
        "created_at": timestamp(),
        "entries": [entry for entry, _ in items],
    }
    # Built in memory (the folder's bytes are there already), then written as the stores write.
    packed = io.BytesIO()
    with tarfile.open(fileobj=packed, mode="w:gz") as tar:
        body = json.dumps(manifest, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode = len(body), FILE_MODE
        tar.addfile(info, io.BytesIO(body))
        for entry, data in items:
            tar.addfile(_tar_info(entry, data), io.BytesIO(data) if data else None)
    write_atomically(archive, packed.getvalue())
    return manifest
