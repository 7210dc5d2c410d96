"""A concern record sealed at rest (issue #10): which parts are sealed, sealing, opening.

Once keys exist, a record keeps readable only what the inbox lists and filters on
(vocabulary.CLEAR_FIELDS in "fields"; reference, dates, status at the top). Everything else is
sealed to the CMP public key, which needs no secret:
- "sealed": the teacher's other fields, one sealed text (seal_fields)
- each part staff write in the flow's steps (vocabulary.SEALED_SECTIONS), sealed whole
- the note of each step in "history" and the text of each internal note
None and "" stay as they are: there is nothing in them to hide. Opening needs the CMP keys of
a signed-in session; nothing here ever returns a sealed text as if it were plaintext.
"""

import copy
from typing import Any

from .. import sealing, vocabulary
from ..sealing import SealError, is_sealed
from . import concern_files
from .key_files import keys_exist
from .keys import cmp_public_key

NOTES = (("history", "note"), ("internal_notes", "text"))


class PlainTextRefused(RuntimeError):
    """A write would store a concern's private text plain although keys exist (a bug)."""


class NoAccess(SealError):
    """Sealed, and this session holds no CMP key (the account has no access yet)."""


def _needs_sealing(value: Any) -> bool:
    return value is not None and value != "" and not is_sealed(value)


def sealer(data_dir):
    """A function that seals one value to the CMP key; without keys it keeps values as they are."""
    public = cmp_public_key(data_dir)

    def seal(value):
        if public is None or value is None or value == "":
            return value
        return sealing.seal_value(public, value)

    return seal


def seal_plain_parts(record: dict, public_key: bytes) -> bool:
    """Seal every private part still plain (stored before keys existed); True if any was."""
    changed = False
    fields = record.get("fields") or {}
    private = {name: value for name, value in fields.items() if name not in vocabulary.CLEAR_FIELDS}
    if private:
        if record.get("sealed") is not None:
            # Plain fields beside sealed ones can only come from a bug; merging needs the key.
            raise PlainTextRefused(f"concern {record.get('reference')}: plain and sealed fields")
        record["fields"] = {k: v for k, v in fields.items() if k in vocabulary.CLEAR_FIELDS}
        record["sealed"] = sealing.seal_fields(public_key, private)
        changed = True
    for name in vocabulary.SEALED_SECTIONS:
        if _needs_sealing(record.get(name)):
            record[name] = sealing.seal_value(public_key, record[name])
            changed = True
    for list_name, key in NOTES:
        for entry in record.get(list_name) or []:
            if _needs_sealing(entry.get(key)):
                entry[key] = sealing.seal_value(public_key, entry[key])
                changed = True
    return changed


def plain_parts(record: dict) -> list[str]:
    """The names of the private parts stored plain (empty: nothing readable but the clear)."""
    found = [name for name in record.get("fields") or {} if name not in vocabulary.CLEAR_FIELDS]
    found += [name for name in vocabulary.SEALED_SECTIONS if _needs_sealing(record.get(name))]
    if record.get("sealed") is not None and not is_sealed(record["sealed"]):
        found.append("sealed")
    for list_name, key in NOTES:
        if any(_needs_sealing(entry.get(key)) for entry in record.get(list_name) or []):
            found.append(list_name)
    return found


def check_sealed(data_dir, record: dict) -> None:
    """Refuse (PlainTextRefused) a record about to be written plain once keys exist."""
    if keys_exist(data_dir):
        plain = plain_parts(record)
        if plain:
            raise PlainTextRefused(
                f"concern {record.get('reference')}: {', '.join(plain)} would be stored plain "
                "although keys exist"
            )


def seal_for_storage(data_dir, record: dict) -> dict:
    """The record with its private parts sealed when keys exist; then checked."""
    public = cmp_public_key(data_dir)
    if public is not None:
        seal_plain_parts(record, public)
    check_sealed(data_dir, record)
    return record


def open_part(value: Any, keys) -> Any:
    """One stored part opened: sealed text with `keys` (NoAccess without), plain as it is."""
    if not is_sealed(value):
        return value
    if not keys:
        raise NoAccess("no access to the concerns")
    return sealing.open_value(keys, value)


def is_sealed_record(record: dict) -> bool:
    """True when some part of the record is sealed (opening it needs the keys)."""
    if is_sealed(record.get("sealed")):
        return True
    if any(is_sealed(record.get(name)) for name in vocabulary.SEALED_SECTIONS):
        return True
    entries = ((entry, key) for list_name, key in NOTES for entry in record.get(list_name) or [])
    return any(is_sealed(entry.get(key)) for entry, key in entries)


def open_record(record: dict, keys) -> dict:
    """A copy with every sealed part opened; NoAccess or SealError when one does not open."""
    opened = copy.deepcopy(record)
    sealed_fields = opened.pop("sealed", None)
    if sealed_fields is not None:
        if not is_sealed(sealed_fields):
            raise SealError("the sealed fields are damaged")
        private = open_part(sealed_fields, keys)
        if not isinstance(private, dict):
            raise SealError("the sealed value holds no fields")
        opened["fields"] = {**private, **opened.get("fields", {})}
    for name in vocabulary.SEALED_SECTIONS:
        if name in opened:
            opened[name] = open_part(opened[name], keys)
    for list_name, key in NOTES:
        for entry in opened.get(list_name) or []:
            if key in entry:
                entry[key] = open_part(entry[key], keys)
    return opened


def clear_only(record: dict) -> dict:
    """A copy with only what stays readable at rest (for a page that cannot open the rest)."""
    kept = {k: v for k, v in record.items() if k not in vocabulary.SEALED_SECTIONS}
    kept.pop("sealed", None)
    kept["fields"] = {
        k: v for k, v in (record.get("fields") or {}).items() if k in vocabulary.CLEAR_FIELDS
    }
    for list_name, key in NOTES:
        kept[list_name] = [{**entry, key: None} for entry in record.get(list_name) or []]
    return kept


def seal_stored_concerns(data_dir, after_write=None) -> int:
    """Seal every concern stored plain (before `keys init`); returns how many files changed.

    One file at a time, each write atomic (concern_files.rewrite_each): safe to interrupt and
    run again, and a file already sealed is left as it is.
    """
    public = cmp_public_key(data_dir)
    if public is None:
        raise ValueError("no keys yet: nothing to seal with")
    return concern_files.rewrite_each(
        data_dir, lambda record: seal_plain_parts(record, public), after_write
    )
