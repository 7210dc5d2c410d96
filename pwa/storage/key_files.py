"""The key files under <data_dir>/keys/ (folder 0700, files 0600, each written whole, atomically).

- cmp.json  {"format": 1, "current": <key id>, "pairs": {<key id>: {"key_id", "public_key",
  "created", "wraps": {"recovery": <private key wrapped with the recovery key>,
  "accounts": {<email>: <private key sealed to that account's public key>}}}}}
  One pair; two while a rotation is under way (key_rotation.py, which owns rotation.json).
- accounts/<hash of the e-mail>.json  {"format": 1, "email", "public_key", "created",
  "private_key": <wrapped with the account's password, argon2id>}
Public keys, wraps and sealed grants only: nothing here opens without a password or the
recovery token. keys.py holds the rules; this module only reads and writes.
"""

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from ..sealing import KeyPair, SealError, public_key_of, to_text, wrap_with_key
from .atomic import FOLDER_MODE, locked, write_atomically
from .clock import timestamp
from .staff import normalise_email

FORMAT = 1
CMP_FILE = "cmp.json"
NO_KEYS = "no keys yet: run `flask --app wsgi keys init` first"


class KeysError(ValueError):
    """A key request that cannot be honoured; the message is for the operator or the UI."""


def folder(data_dir) -> Path:
    """<data_dir>/keys, made (0700) when missing."""
    path = Path(data_dir) / "keys"
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    return path


def keys_exist(data_dir) -> bool:
    return (Path(data_dir) / "keys" / CMP_FILE).exists()


def dump(record: dict) -> bytes:
    return json.dumps(record, indent=1, sort_keys=True).encode()


def read_json(path: Path) -> dict | None:
    """A key file's record, None when missing; KeysError when it is not JSON any more."""
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise KeysError(f"damaged key file {path.name}: not JSON") from exc


def read_cmp(data_dir) -> dict:
    """The record of cmp.json; KeysError when the keys were never made."""
    record = read_json(Path(data_dir) / "keys" / CMP_FILE)
    if record is None:
        raise KeysError(NO_KEYS)
    return record


def write_cmp(data_dir, record: dict) -> None:
    """Replace cmp.json atomically; hold locked(folder(data_dir), "keys") around it."""
    write_atomically(folder(data_dir) / CMP_FILE, dump(record))


def update_cmp(data_dir, change: Callable[[dict], None]) -> dict:
    """Read-modify-write cmp.json under the keys lock."""
    with locked(folder(data_dir), "keys"):
        record = read_cmp(data_dir)
        change(record)
        write_cmp(data_dir, record)
    return record


def pair_record(pair: KeyPair, recovery_key: bytes, now=None) -> dict:
    """A key pair as cmp.json stores it: the public key, and the private key wrapped only."""
    return {
        "key_id": pair.key_id,
        "public_key": to_text(pair.public_key),
        "created": timestamp(now),
        "wraps": {"recovery": wrap_with_key(pair.private_key, recovery_key), "accounts": {}},
    }


def check_pair(private: bytes, pair: dict) -> bytes:
    """`private` if it belongs to `pair`, else SealError (a damaged or mixed-up file)."""
    if to_text(public_key_of(private)) != pair["public_key"]:
        raise SealError(f"damaged key file: the key opened does not match key {pair['key_id']}")
    return private


def remove_grants(record: dict, email: str) -> bool:
    """Take the account's grants out of a cmp.json record; True if it had any."""
    removed = False
    for pair in record["pairs"].values():
        removed = pair["wraps"]["accounts"].pop(email, None) is not None or removed
    return removed


def account_path(data_dir, email: str) -> Path:
    """accounts/<hash>.json: the file name is safe whatever the address holds."""
    name = hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32]
    return folder(data_dir) / "accounts" / f"{name}.json"


def account_keys(data_dir, email: str) -> dict | None:
    """The account's key file (public key, wrapped private key), or None."""
    return read_json(account_path(data_dir, email))


def accounts_with_keys(data_dir) -> list[str]:
    """The e-mail of every account that has a key pair."""
    paths = (Path(data_dir) / "keys" / "accounts").glob("*.json")
    return sorted(record["email"] for record in map(read_json, paths) if record)
