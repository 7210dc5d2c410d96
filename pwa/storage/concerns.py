"""Concerns sent by teachers: exactly-once storage, CMP-YYYY-NNNN references and receipts.

Layout under <data_dir>/concerns/ (folder 0700, files 0600):
- <id>.json  one TinyDB file per concern, named by its Idempotency-Key (concern_files.py).
  Inserting never rewrites an ever-growing file: the cost stays flat over the years.
- <id>.claim and CMP-YYYY-NNNN.ref  two names of one symlink (references.py): the key's
  idempotency record (reference, time, locale, body hash) and the reservation of its number.
- .next-YYYY  a hint: the last number given out that year (not fsynced; see references.py).
- .*.partial  temp files; one a crash left behind is ignored.

Why: locked(<data_dir>/concerns, "concerns") serialises writers across processes, so it is
held only for what must be decided alone, with no fsync: is the key claimed (with which
body), else the next number and the claim. The concern file is written and fsynced after the
lock is released, so several workers' fsyncs overlap. Still, nothing is acknowledged before
its file and folder entry are fsynced.
- Exactly once: the claim decides. The same key with another body is refused
  (IdempotencyKeyReused) as soon as the claim exists, before the file does.
- A duplicate that arrives while the first request is still writing, and a retry after a
  crash between claim and file, do not wait: they write the same record, from the claim,
  themselves (no timeout to tune, one path for both). The file is published with link(),
  which fails when the name exists: one writer wins and answers "created", the others
  answer with the stored file, and a later update is never overwritten.
- A crash can leave a gap in the numbering (between reservation and claim), never a
  duplicate; a retry with a claimed key always gets the claimed reference.
- Files appear whole or not at all, so reading, listing and receipts take no lock; the
  listing reads <id>.json names only, never a claim or a temp file.
"""

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ..receipt_sealing import parse_phone_key, seal_for_phone
from ..sealing import is_sealed
from . import sealed_records
from .atomic import fsync_directory, locked
from .clock import timestamp, utc_now
from .concern_files import create as _create
from .concern_files import folder as _folder
from .concern_files import is_concern_id
from .concern_files import list_concerns as list_concerns
from .concern_files import read as _read
from .concern_files import write as _write
from .references import Claim, claim, concern_id_of, read_claim, release_claim

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


def _receipt(record: dict, secret: str) -> dict:
    return {
        "id": record["id"],
        "reference": record["reference"],
        "receipt_token": receipt_token(secret, record["id"]),
        "status": record["status"],
        "received_at": record["received_at"],
    }


def _check_body(stored_hash: str, body_hash: str, key: str) -> None:
    if not hmac.compare_digest(stored_hash, body_hash):
        raise IdempotencyKeyReused(key)


def existing_receipt(data_dir, key: str, body_hash: str, secret: str) -> dict | None:
    """The receipt of an already stored concern with this key and body, else None.

    Raises IdempotencyKeyReused for the same key with another body, stored or only claimed.
    Safe without the lock: concern files and claims appear whole or not at all.
    """
    if not is_concern_id(key):
        return None
    folder = _folder(data_dir)
    record = _read(folder / f"{key}.json")
    if record is None:
        claimed = read_claim(folder, key)
        if claimed is not None:
            _check_body(claimed.body_hash, body_hash, key)
        return None  # not stored yet, or still being written: save_concern completes it
    _check_body(record["body_hash"], body_hash, key)
    # Its writer may not have fsynced the folder yet: make the name durable before answering.
    fsync_directory(folder)
    return _receipt(record, secret)


def _claim(folder: Path, key: str, body_hash: str, locale: str, now) -> Claim | None:
    """The key's claim, made now if it has none; None for a concern stored before claims."""
    with locked(folder, "concerns"):
        claimed = read_claim(folder, key)
        if claimed is None and not (folder / f"{key}.json").exists():
            moment = utc_now(now)
            year = moment.astimezone(BRUSSELS).year
            claimed = claim(folder, key, year, timestamp(moment), locale, body_hash)
        return claimed


def _new_record(key: str, claimed: Claim, fields: dict, receipt_key: str | None) -> dict:
    return {
        "id": key,
        "reference": claimed.reference,
        "body_hash": claimed.body_hash,
        "fields": dict(fields),
        "locale": claimed.locale,
        "status": "received",
        "received_at": claimed.received_at,
        "updated_at": claimed.received_at,
        "follow_up": None,
        # The phone's public key (not secret), when it sent one: the agreement goes to the
        # phone only sealed to it, as "follow_up_for_phone" (seal_follow_up_for_phone).
        "receipt_key": receipt_key,
        "follow_up_for_phone": None,
    }


def save_concern(
    data_dir,
    key: str,
    fields: dict,
    body_hash: str,
    secret: str,
    locale: str,
    now: datetime | None = None,
    receipt_key: str | None = None,
) -> tuple[dict, bool]:
    """Store a validated concern once; returns (receipt, created).

    The same key and body again returns the first receipt and creates nothing. `receipt_key`
    is the phone's public key, already validated (pwa/receipt_sealing.parse_phone_key).
    """
    if not is_concern_id(key):
        raise ValueError("the key must be a lower-case UUID v4")
    folder = _folder(data_dir)
    claimed = _claim(folder, key, body_hash, locale, now)
    # Outside the lock from here: the write and its fsyncs overlap with other workers' writes.
    receipt = existing_receipt(data_dir, key, body_hash, secret)  # checks the claimed body too
    if receipt is not None:
        return receipt, False
    if claimed is None:  # stored before claims existed, and deleted since: claim it now
        return save_concern(data_dir, key, fields, body_hash, secret, locale, now, receipt_key)
    # Sealed here, from the form's plain fields: with keys, no path writes them plain.
    record = _new_record(key, claimed, fields, receipt_key)
    record = sealed_records.seal_for_storage(data_dir, record)
    if _create(folder / f"{key}.json", record):
        return _receipt(record, secret), True
    # A duplicate request wrote it first: the same record, from the same claim.
    return existing_receipt(data_dir, key, body_hash, secret) or _receipt(record, secret), False


def get_receipt(data_dir, reference: str, token: str, secret: str) -> dict | None:
    """What the reporter may see; None for a wrong token and an unknown reference alike."""
    concern_id = concern_id_of(_folder(data_dir), reference)
    # Compare even for an unknown reference, so both answers take the same path.
    expected = receipt_token(secret, concern_id or "unknown")
    if not hmac.compare_digest(expected.encode(), str(token or "").encode()):
        return None
    record = get_concern(data_dir, concern_id) if concern_id else None
    if record is None or record["reference"] != reference:
        return None
    # A phone that sent a receipt key gets the agreement only sealed to that key; a concern
    # sent without one (an older app, the no-JavaScript form) gets it as before.
    sealed = bool(record.get("receipt_key"))
    agreement = record.get("follow_up")
    return {
        "reference": record["reference"],
        "status": record["status"],
        "updated_at": record["updated_at"],
        # Sealed to the CMP key (keys exist), the agreement is for staff only: the server
        # cannot open it, so a concern sent without a receipt key gets none.
        "follow_up": None if sealed or is_sealed(agreement) else agreement,
        "follow_up_sealed": record.get("follow_up_for_phone") if sealed else None,
    }


def seal_follow_up_for_phone(record: dict, agreement: str | None) -> None:
    """Set the phone's sealed copy of the follow-up agreement staff just saved (None: none)."""
    if not record.get("receipt_key"):
        return
    phone_key = parse_phone_key(record["receipt_key"])
    record["follow_up_for_phone"] = seal_for_phone(phone_key, agreement) if agreement else None


def get_concern(data_dir, concern_id: str) -> dict | None:
    """The full record, or None."""
    if not is_concern_id(concern_id):
        return None
    return _read(_folder(data_dir) / f"{concern_id}.json")


def update_concern(
    data_dir, concern_id: str, change: Callable[[dict], None], now: datetime | None = None
) -> dict:
    """Apply `change` to the record in place and write it back atomically, under the lock.

    Keys the caller adds (history, workflow, links...) are kept; id, reference and
    body_hash cannot change. Once keys exist, whatever is still plain is sealed before the
    write (a concern stored before `keys init` reached it). Raises ConcernNotFound.
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
        sealed_records.seal_for_storage(data_dir, record)
        _write(folder / f"{concern_id}.json", record)
    return record


def delete_concern(data_dir, concern_id: str) -> bool:
    """Delete a concern for good, and its claim. Its reference stays taken (the .ref remains)."""
    if not is_concern_id(concern_id):
        return False
    folder = _folder(data_dir)
    with locked(folder, "concerns"):
        path = folder / f"{concern_id}.json"
        if not path.exists():
            return False
        # The claim goes first: a crash in between leaves a concern file without a claim,
        # which reads as stored (and can be deleted again), never a claim to complete.
        release_claim(folder, concern_id)
        path.unlink()
        fsync_directory(folder)
    return True
