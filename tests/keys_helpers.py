"""Shared by the key tests: fast argon2 limits, accounts that have signed in, sealed concerns."""

import stat
import uuid
from pathlib import Path

from pwa import sealing
from pwa.storage import concerns, keys, staff

# Tests only: the real limits (sealing.PASSWORD_LIMITS) take ~0.4 s per wrap.
FAST = sealing.Argon2Limits(opslimit=1, memlimit=8192)
PASSWORD = "a long staff password"


def signed_in_once(data_dir, email: str, role: str = "staff", password: str = PASSWORD) -> str:
    """An account whose first sign-in has made its key pair (as the sign-in will)."""
    if staff.get_account(data_dir, email) is None:
        staff.create_account(data_dir, email, password, role)
    keys.ensure_account_keypair(data_dir, email, password, limits=FAST)
    return email


def sealed_concern(data_dir, number: int, need: str, note: str) -> dict:
    """A stored concern whose private fields and one staff note are sealed to the CMP key."""
    public = keys.cmp_public_key(data_dir)
    # Stored as intake stores it: with keys, save_concern seals all but the clear fields.
    fields = {"kind": "consult", "school": f"School {number}", "need": need}
    key = str(uuid.UUID(int=number, version=4))
    receipt, _ = concerns.save_concern(data_dir, key, fields, f"h{number}", "s", "nl")
    history = [{"at": "2026-11-29T10:00:00Z", "note": sealing.seal_value(public, note)}]
    concerns.update_concern(data_dir, key, lambda r: r.update(history=history))
    return concerns.get_concern(data_dir, key)


def opened(data_dir, concern_id: str, keyring) -> tuple[str, str]:
    """(need, note) of a sealed_concern(), opened with `keyring`."""
    record = concerns.get_concern(data_dir, concern_id)
    need = sealing.open_fields(keyring, record["sealed"])["need"]
    return need, sealing.open_value(keyring, record["history"][0]["note"])


def sealed_strings(value) -> list[str]:
    """Every sealed text anywhere in a JSON value."""
    if sealing.is_sealed(value):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in sealed_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in sealed_strings(v)]
    return []


def assert_private_files(data_dir) -> None:
    """Every file under keys/ is 0600 and every folder 0700."""
    root = Path(data_dir) / "keys"
    for path in [root, *root.rglob("*")]:
        if path.name.endswith(".lock"):
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path}: {oct(mode)}"


def everything_on_disk(data_dir) -> str:
    """Every file under the data folder but the (empty) lock files, as text with its name."""
    return "\n".join(
        f"{p}: {p.read_bytes().decode('utf-8', 'replace')}"
        for p in sorted(Path(data_dir).rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    )
