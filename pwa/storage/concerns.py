"""Concerns sent by teachers: exactly-once storage, CMP-YYYY-NNNN references and receipts.

Layout under <data_dir>/concerns/ (folder 0700, files 0600):
- <id>.json  one TinyDB file per concern, named by its Idempotency-Key. It IS the
  idempotency record (it holds the hash of the request body), so the concern and its key
  are committed by one atomic write. Inserting never rewrites an ever-growing file: the
  cost stays flat as years of concerns accumulate.
- CMP-YYYY-NNNN.ref  a symlink to <id>.json, made with one atomic symlink() that fails
  when the name exists. It reserves the reference before the concern is written, so a
  reference can never be given twice; a crash between the two leaves a gap, never a
  duplicate. It is also the index that finds a concern by reference.
- .next-YYYY  a hint: the last number given out that year. Not fsynced: when it is stale
  or unreadable (power loss), the symlink() that fails on a taken name moves past used
  numbers, or the .ref names are counted again.
Every write holds locked(<data_dir>/concerns, "concerns"), across processes.
"""

import hashlib
import hmac
import json
import os
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .atomic import AtomicJSONStorage, fsync_directory, locked, open_db
from .clock import timestamp, utc_now

BRUSSELS = ZoneInfo("Europe/Brussels")
TABLE = "concern"
KEY_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
REFERENCE_PATTERN = re.compile(r"CMP-(\d{4})-(\d{4,9})")


class IdempotencyKeyReused(Exception):
    """The Idempotency-Key is already stored with a different request body."""


class ConcernNotFound(KeyError):
    """No concern has this id."""


def body_hash(payload) -> str:
    """SHA-256 of the request body in canonical JSON (key order and spacing do not count)."""
    # ensure_ascii: a lone surrogate from JSON still hashes instead of failing to encode.
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def receipt_token(secret: str, concern_id: str) -> str:
    """Derived, never stored: a retry gets the same token and a stolen file reveals none."""
    message = f"wegwijzer-receipt:{concern_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def is_concern_id(value: str) -> bool:
    """A lower-case UUID v4, the only shape of id (and the only file names we open)."""
    return isinstance(value, str) and KEY_PATTERN.fullmatch(value) is not None


def _folder(data_dir) -> Path:
    folder = Path(data_dir) / "concerns"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _read(path: Path) -> dict | None:
    if not path.exists():
        return None
    record = open_db(path).table(TABLE).get(doc_id=1)
    return dict(record) if record is not None else None


def _write(path: Path, record: dict) -> None:
    """One atomic write of the whole concern file, in TinyDB's own format."""
    AtomicJSONStorage(path).write({TABLE: {"1": record}})


def _receipt(record: dict, secret: str) -> dict:
    return {
        "id": record["id"],
        "reference": record["reference"],
        "receipt_token": receipt_token(secret, record["id"]),
        "status": record["status"],
        "received_at": record["received_at"],
    }


def _reserve_reference(folder: Path, concern_id: str, year: int) -> str:
    """Take the next free reference of `year`; call with the lock held."""
    hint = folder / f".next-{year}"
    try:
        number = int(hint.read_text()) + 1
    except (FileNotFoundError, ValueError):
        number = 1 + max(
            (
                int(m[2])
                for p in folder.glob(f"CMP-{year}-*.ref")
                if (m := REFERENCE_PATTERN.fullmatch(p.stem))
            ),
            default=0,
        )
    while True:
        reference = f"CMP-{year}-{number:04d}"
        try:
            os.symlink(f"{concern_id}.json", folder / f"{reference}.ref")
        except FileExistsError:
            number += 1  # the hint was stale: that number is taken
            continue
        # Overwritten in place at a fixed width: no rename, no fsync, so it adds almost
        # nothing to the insert. A torn or lost hint only costs extra probes (or a gap).
        fd = os.open(hint, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            os.pwrite(fd, f"{number:010d}".encode(), 0)
        finally:
            os.close(fd)
        return reference


def existing_receipt(data_dir, key: str, body_hash: str, secret: str) -> dict | None:
    """The receipt of an already stored concern with this key and body, else None.

    Raises IdempotencyKeyReused for the same key with another body. Safe without the
    lock: a concern file appears whole (atomic rename) or not at all.
    """
    record = _read(_folder(data_dir) / f"{key}.json") if is_concern_id(key) else None
    if record is None:
        return None
    if not hmac.compare_digest(record["body_hash"], body_hash):
        raise IdempotencyKeyReused(key)
    return _receipt(record, secret)


def save_concern(
    data_dir,
    key: str,
    fields: dict,
    body_hash: str,
    secret: str,
    locale: str,
    now: datetime | None = None,
) -> tuple[dict, bool]:
    """Store a validated concern once; returns (receipt, created).

    The same key and body again returns the first receipt and creates nothing.
    """
    if not is_concern_id(key):
        raise ValueError("the key must be a lower-case UUID v4")
    folder = _folder(data_dir)
    path = folder / f"{key}.json"
    with locked(folder, "concerns"):
        receipt = existing_receipt(data_dir, key, body_hash, secret)
        if receipt is not None:
            return receipt, False
        moment = utc_now(now)
        reference = _reserve_reference(folder, key, moment.astimezone(BRUSSELS).year)
        record = {
            "id": key,
            "reference": reference,
            "body_hash": body_hash,
            "fields": dict(fields),
            "locale": locale,
            "status": "received",
            "received_at": timestamp(moment),
            "updated_at": timestamp(moment),
            "follow_up": None,
        }
        _write(path, record)
    return _receipt(record, secret), True


def get_receipt(data_dir, reference: str, token: str, secret: str) -> dict | None:
    """What the reporter may see; None for a wrong token and an unknown reference alike."""
    concern_id = None
    if isinstance(reference, str) and REFERENCE_PATTERN.fullmatch(reference):
        try:
            concern_id = os.readlink(_folder(data_dir) / f"{reference}.ref").removesuffix(".json")
        except OSError:
            concern_id = None
    # Compare even for an unknown reference, so both answers take the same path.
    expected = receipt_token(secret, concern_id or "unknown")
    if not hmac.compare_digest(expected.encode(), str(token or "").encode()):
        return None
    record = get_concern(data_dir, concern_id) if concern_id else None
    if record is None or record["reference"] != reference:
        return None
    return {
        "reference": record["reference"],
        "status": record["status"],
        "updated_at": record["updated_at"],
        "follow_up": record.get("follow_up"),
    }


def get_concern(data_dir, concern_id: str) -> dict | None:
    """The full record, or None."""
    if not is_concern_id(concern_id):
        return None
    return _read(_folder(data_dir) / f"{concern_id}.json")


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
    with os.scandir(_folder(data_dir)) as entries:
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
        if path.startswith(str(_folder(data_dir))):
            del _listing_cache[path]
    return sorted(records, key=_newest_first, reverse=True)


def update_concern(
    data_dir, concern_id: str, change: Callable[[dict], None], now: datetime | None = None
) -> dict:
    """Apply `change` to the record in place and write it back atomically, under the lock.

    Keys the caller adds (history, workflow, links...) are kept; id, reference and
    body_hash cannot change. Raises ConcernNotFound.
    """
    folder = _folder(data_dir)
    with locked(folder, "concerns"):
        record = get_concern(data_dir, concern_id)
        if record is None:
            raise ConcernNotFound(concern_id)
        fixed = {key: record[key] for key in ("id", "reference", "body_hash")}
        change(record)
        if any(record.get(key) != value for key, value in fixed.items()):
            raise ValueError("id, reference and body_hash of a concern never change")
        record["updated_at"] = timestamp(now)
        _write(folder / f"{concern_id}.json", record)
    return record


def delete_concern(data_dir, concern_id: str) -> bool:
    """Delete a concern for good. Its reference stays taken (the .ref link remains)."""
    if not is_concern_id(concern_id):
        return False
    folder = _folder(data_dir)
    with locked(folder, "concerns"):
        path = folder / f"{concern_id}.json"
        if not path.exists():
            return False
        path.unlink()
        fsync_directory(folder)
    return True
