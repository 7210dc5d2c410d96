"""References (CMP-YYYY-NNNN) and idempotency claims: all a new concern does under the lock.

A claim is one symlink with two names, both made with calls that fail when the name exists:
- CMP-YYYY-NNNN.ref, made first: taking the name reserves the number for good.
- <id>.claim, a hard link to that same symlink: the key's idempotency decision.
Its target is text, "<id>.json CMP-YYYY-NNNN <received_at> <locale> <body_hash>": everything
a retry needs to write the same concern under the same reference. One symlink, not two,
because creating an inode is the slow part of a reservation and a link() costs almost nothing.
A symlink appears whole or not at all, so it is read safely without the lock.
"""

import os
import re
from pathlib import Path
from typing import NamedTuple

from .atomic import FILE_MODE

REFERENCE_PATTERN = re.compile(r"CMP-(\d{4})-(\d{4,9})")


class Claim(NamedTuple):
    """What the first request with a key was given: a retry completes the concern from it."""

    reference: str
    received_at: str
    locale: str
    body_hash: str


def read_claim(folder: Path, key: str) -> Claim | None:
    """The claim of `key` (a checked concern id), or None."""
    try:
        target = os.readlink(folder / f"{key}.claim")
    except FileNotFoundError:
        return None
    _name, reference, received_at, locale, body_hash = target.split(" ", 4)
    return Claim(reference, received_at, locale, body_hash)


def concern_id_of(folder: Path, reference) -> str | None:
    """The concern id a reference was given to; None for an unknown or malformed reference."""
    if not (isinstance(reference, str) and REFERENCE_PATTERN.fullmatch(reference)):
        return None
    try:
        target = os.readlink(folder / f"{reference}.ref")
    except OSError:
        return None
    # References made before claims existed point at "<id>.json" alone.
    return target.split(" ", 1)[0].removesuffix(".json")


def claim(
    folder: Path, key: str, year: int, received_at: str, locale: str, body_hash: str
) -> Claim:
    """Reserve the next free reference of `year` for `key` and claim the key; hold the lock.

    A crash between the two names leaves a reserved number without a claim: a gap.
    """
    number = _next_number(folder, year)
    while True:
        record = Claim(f"CMP-{year}-{number:04d}", received_at, locale, body_hash)
        ref = folder / f"{record.reference}.ref"
        try:
            os.symlink(" ".join((f"{key}.json", *record)), ref)
        except FileExistsError:
            number += 1  # the hint was stale: that number is taken
            continue
        _write_hint(folder, year, number)
        os.link(ref, folder / f"{key}.claim", follow_symlinks=False)
        return record


def release_claim(folder: Path, key: str) -> None:
    """Forget the claim of a deleted concern: its reference stays taken, naming the id only."""
    record = read_claim(folder, key)
    if record is None:
        return
    # A fresh symlink replaces the .ref, so nothing of the deleted concern (its body hash,
    # its time) outlives it; the claim's name still holds the old one until it goes too.
    plain = folder / f".{record.reference}.ref.partial"
    plain.unlink(missing_ok=True)
    os.symlink(f"{key}.json", plain)
    os.replace(plain, folder / f"{record.reference}.ref")
    (folder / f"{key}.claim").unlink()


def _next_number(folder: Path, year: int) -> int:
    """The number after the hint; when the hint is missing or torn, after every .ref of `year`."""
    try:
        return int((folder / f".next-{year}").read_text()) + 1
    except (FileNotFoundError, ValueError):
        taken = (REFERENCE_PATTERN.fullmatch(p.stem) for p in folder.glob(f"CMP-{year}-*.ref"))
        return 1 + max((int(m[2]) for m in taken if m), default=0)


def _write_hint(folder: Path, year: int, number: int) -> None:
    # Overwritten in place at a fixed width: no rename, no fsync, so it adds almost nothing
    # to a reservation. A torn or lost hint only costs extra probes (or a gap).
    fd = os.open(folder / f".next-{year}", os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        os.pwrite(fd, f"{number:010d}".encode(), 0)
    finally:
        os.close(fd)
