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
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .atomic import fsync_directory, locked
from .concern_files import REFERENCE_PATTERN, is_concern_id
from .concern_files import folder as _folder
from .concern_files import list_concerns as list_concerns
from .concern_files import read as _read
from .concern_files import write as _write

BRUSSELS = ZoneInfo("Europe/Brussels")


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


def _now(now: datetime | None) -> datetime:
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)  # naive means UTC here, never the server's zone
    return now.astimezone(UTC)


def _timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


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
        moment = _now(now)
        reference = _reserve_reference(folder, key, moment.astimezone(BRUSSELS).year)
        record = {
            "id": key,
            "reference": reference,
            "body_hash": body_hash,
            "fields": dict(fields),
            "locale": locale,
            "status": "received",
            "received_at": _timestamp(moment),
            "updated_at": _timestamp(moment),
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


def update_concern(data_dir, concern_id: str, change: Callable[[dict], None]) -> dict:
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
        record["updated_at"] = _timestamp(_now(None))
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
