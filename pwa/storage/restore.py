"""Restore a backup archive (backup.py) into an empty folder, checking every entry first.

Nothing from the archive is trusted: names must be plain relative paths under data/, symlinks
must name a file in their own folder (references and claims do), every member must be in the
manifest with its type and mode, and every file's size and SHA-256 must match. On any problem
everything written is removed again.
"""

import hashlib
import json
import os
import shutil
import tarfile
from pathlib import Path, PurePosixPath

from .atomic import FILE_MODE, FOLDER_MODE
from .backup import MANIFEST, PREFIX, BackupError


def _load_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.loads(tar.extractfile(member).read())
        entries = {entry["path"]: entry for entry in manifest["entries"]}
    except (KeyError, ValueError, TypeError, AttributeError) as error:
        raise BackupError(f"no readable {MANIFEST} in the archive") from error
    if len(entries) != len(manifest["entries"]):
        raise BackupError(f"{MANIFEST} lists a path twice")
    return {**manifest, "entries": entries}


def _safe_relative(name: str) -> str:
    """The path under data/ of a member; BackupError for anything that could land elsewhere."""
    path = PurePosixPath(name)
    parts = path.parts
    if path.is_absolute() or not name.startswith(PREFIX) or ".." in parts or len(parts) < 2:
        raise BackupError(f"unsafe path in the archive: {name!r}")
    return "/".join(parts[1:])


def _check_member(member: tarfile.TarInfo, entry: dict | None, relative: str) -> None:
    if entry is None:
        raise BackupError(f"{relative}: in the archive but not in the manifest")
    kinds = {"dir": member.isdir(), "file": member.isfile(), "symlink": member.issym()}
    if not kinds.get(entry["type"]):
        raise BackupError(f"{relative}: not the {entry['type']} the manifest lists")
    if f"{member.mode & 0o7777:04o}" != entry["mode"] or int(entry["mode"], 8) & 0o7000:
        raise BackupError(f"{relative}: mode differs from the manifest")
    if member.issym():
        target = member.linkname
        if "/" in target or target in ("", ".", "..") or target != entry["target"]:
            raise BackupError(f"{relative}: a link that points outside its folder")


def _write_member(tar, member, entry: dict, target: Path, relative: str) -> None:
    path = target / relative
    if entry["type"] == "dir":
        path.mkdir(mode=FOLDER_MODE, exist_ok=True)
    elif entry["type"] == "symlink":
        os.symlink(entry["target"], path)
        return
    else:
        data = tar.extractfile(member).read()
        if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise BackupError(f"{relative}: checksum mismatch (the archive was changed or damaged)")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            os.fsync(handle.fileno())
    path.chmod(int(entry["mode"], 8))


def _empty_target(target: Path) -> bool:
    """True when we made the folder; BackupError when it exists and holds anything."""
    if target.exists() or target.is_symlink():
        if not target.is_dir() or any(target.iterdir()):
            raise BackupError(f"{target} is not an empty folder: nothing restored")
        return False
    target.mkdir(mode=FOLDER_MODE, parents=True)
    return True


def _clear(target: Path, made: bool) -> None:
    if made:
        shutil.rmtree(target, ignore_errors=True)
        return
    for path in target.iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def restore_backup(archive: Path, target: Path) -> dict:
    """Restore `archive` into the empty (or missing) folder `target`; returns the manifest."""
    target = Path(target)
    made = _empty_target(target)
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            manifest = _load_manifest(tar)
            seen = set()
            for member in tar:
                if member.name == MANIFEST:
                    continue
                relative = _safe_relative(member.name)
                entry = manifest["entries"].get(relative)
                _check_member(member, entry, relative)
                _write_member(tar, member, entry, target, relative)
                seen.add(relative)
        missing = set(manifest["entries"]) - seen
        if missing:
            raise BackupError(f"{len(missing)} entries of the manifest are not in the archive")
        target.chmod(FOLDER_MODE)
    except (BackupError, tarfile.TarError, OSError, EOFError) as error:
        _clear(target, made)
        if isinstance(error, BackupError):
            raise
        raise BackupError(f"the archive cannot be read: {error}") from error
    except BaseException:
        _clear(target, made)
        raise
    return manifest
