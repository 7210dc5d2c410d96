"""Key rotation: a new CMP key pair, every sealed value re-sealed to it, safely resumable.

While it runs, <data_dir>/keys/rotation.json holds {"format": 1, "old": <key id>, "new": <key
id>, "started", "pair": <the new pair as cmp.json stores it>, "new_recovery": <the new recovery
key, wrapped with the old one>}. Each step is atomic and safe to repeat:
1. rotation.json is created: the new pair, and the new recovery key under the old one.
2. cmp.json takes the new pair and seals new values to it; every account granted the old key
   is granted the new one (sealed to its public key: no password needed).
3. every sealed value in every concern file not under the new key is re-sealed, one file at a
   time; passes repeat until one changes nothing (a concern stored meanwhile under the old key).
4. grants once more (an admin may have granted someone meanwhile); the old pair leaves cmp.json.
5. the new recovery token is shown, then rotation.json goes: the old token now opens nothing.
After an interruption, run it again with the old token: it continues where it stopped (past
step 4 it only shows the new token again).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..sealing import (
    KeyPair,
    Keyring,
    SealError,
    from_text,
    new_recovery_key,
    parse_recovery_token,
    public_key_of,
    recovery_token,
    reseal_tree,
    seal,
    to_text,
    unwrap_with_key,
    wrap_with_key,
)
from . import concern_files
from .atomic import create_atomically, fsync_directory, locked
from .clock import timestamp
from .key_files import (
    FORMAT,
    KeysError,
    account_keys,
    check_pair,
    dump,
    folder,
    pair_record,
    read_cmp,
    read_json,
    update_cmp,
)
from .keys import WRONG_RECOVERY, open_with_recovery_key

ROTATION_FILE = "rotation.json"


@dataclass
class RotationResult:
    """What a run did: the key ids, files re-sealed, and concerns with values nobody can open."""

    old: str
    new: str
    resealed_files: int = 0
    unopenable: list[str] = field(default_factory=list)  # references
    finished_before: bool = False  # run with the new token after step 4: only tidied up


def _path(data_dir) -> Path:
    return folder(data_dir) / ROTATION_FILE


def rotation_under_way(data_dir) -> dict | None:
    """The old and new key ids and the start of an unfinished rotation, else None."""
    state = read_json(Path(data_dir) / "keys" / ROTATION_FILE)
    return {key: state[key] for key in ("old", "new", "started")} if state else None


def _start(data_dir, recovery_key: bytes, now) -> dict:
    """Step 1 (the token is checked before anything is written)."""
    cmp = read_cmp(data_dir)
    if len(cmp["pairs"]) != 1:
        raise KeysError("damaged cmp.json: several key pairs, but no rotation under way")
    open_with_recovery_key(cmp, recovery_key)
    pair = KeyPair.generate()
    _, new_recovery = new_recovery_key()
    state = {
        "format": FORMAT,
        "old": cmp["current"],
        "new": pair.key_id,
        "started": timestamp(now),
        "pair": pair_record(pair, new_recovery, now),
        "new_recovery": wrap_with_key(new_recovery, recovery_key),
    }
    create_atomically(_path(data_dir), dump(state))  # under the rotation lock: it is new
    return state


def _opens_new_pair(state: dict, recovery_key: bytes) -> bool:
    try:
        unwrap_with_key(state["pair"]["wraps"]["recovery"], recovery_key)
    except SealError:
        return False
    return True


def _open(data_dir, state: dict, recovery_key: bytes) -> tuple[dict[str, bytes], str]:
    """Both private keys (only the new one once the old pair is gone), and the new token."""
    new_recovery = unwrap_with_key(state["new_recovery"], recovery_key, WRONG_RECOVERY)
    new_private = unwrap_with_key(state["pair"]["wraps"]["recovery"], new_recovery)
    keys = {state["new"]: check_pair(new_private, state["pair"])}
    old_pair = read_cmp(data_dir)["pairs"].get(state["old"])
    if old_pair is not None:
        old_private = unwrap_with_key(old_pair["wraps"]["recovery"], recovery_key, WRONG_RECOVERY)
        keys[state["old"]] = check_pair(old_private, old_pair)
    return keys, recovery_token(new_recovery)


def _grant_new_to_old_grantees(data_dir, cmp: dict, state: dict, new_private: bytes) -> None:
    """Every account granted the old key gets the new one (sealed to its public key)."""
    old_pair, new_pair = cmp["pairs"].get(state["old"]), cmp["pairs"][state["new"]]
    if old_pair is None:
        return
    for email in old_pair["wraps"]["accounts"]:
        account = account_keys(data_dir, email)
        if email not in new_pair["wraps"]["accounts"] and account is not None:
            sealed = seal(from_text(account["public_key"], "public key"), new_private)
            new_pair["wraps"]["accounts"][email] = to_text(sealed)


def _switch(data_dir, state: dict, new_private: bytes) -> None:
    """Step 2."""

    def change(cmp):
        cmp["pairs"].setdefault(state["new"], state["pair"])
        cmp["current"] = state["new"]
        _grant_new_to_old_grantees(data_dir, cmp, state, new_private)

    update_cmp(data_dir, change)


def _reseal_concerns(data_dir, keys: Keyring, new_public: bytes, after_write) -> tuple:
    """Step 3: (files rewritten, references of concerns holding values nobody can open)."""
    unopenable: dict[str, str] = {}

    def change(record: dict) -> bool:
        resealed, count = reseal_tree(record, keys, new_public)
        if count.unopenable:
            unopenable[record["id"]] = record.get("reference", record["id"])
        else:
            unopenable.pop(record["id"], None)
        if not count.resealed:
            return False
        record.clear()
        record.update(resealed)
        return True

    files = 0
    while written := concern_files.rewrite_each(data_dir, change, after_write):
        files += written
    return files, sorted(unopenable.values())


def _retire_old_pair(data_dir, state: dict, new_private: bytes) -> None:
    """Step 4."""

    def change(cmp):
        _grant_new_to_old_grantees(data_dir, cmp, state, new_private)
        cmp["pairs"].pop(state["old"], None)

    update_cmp(data_dir, change)


def _finish(data_dir) -> None:
    """Step 5's end: without rotation.json, the old token opens nothing any more."""
    _path(data_dir).unlink()
    fsync_directory(folder(data_dir))


def rotate(
    data_dir,
    token: str,
    show_new_token: Callable[[str], None],
    after_write: Callable[[str], None] | None = None,
    now=None,
) -> RotationResult:
    """Rotate (or continue a rotation) with the recovery token it starts with.

    `show_new_token` gets the new recovery token before the old one stops working; if it
    fails, a rerun shows it again. RecoveryTokenError for a malformed token, SealError for a
    wrong one. `after_write(concern_id)` follows each re-sealed file (progress).
    """
    recovery_key = parse_recovery_token(token)
    with locked(folder(data_dir), "rotation"):  # one rotation at a time
        state = read_json(_path(data_dir)) or _start(data_dir, recovery_key, now)
        result = RotationResult(state["old"], state["new"])
        if _opens_new_pair(state, recovery_key):
            if state["old"] in read_cmp(data_dir)["pairs"]:
                raise KeysError("run the rotation again with the token it started with")
            _finish(data_dir)
            result.finished_before = True
            return result
        keys, new_token = _open(data_dir, state, recovery_key)
        new_private = keys[state["new"]]
        _switch(data_dir, state, new_private)
        result.resealed_files, result.unopenable = _reseal_concerns(
            data_dir, keys, public_key_of(new_private), after_write
        )
        _retire_old_pair(data_dir, state, new_private)
        show_new_token(new_token)
        _finish(data_dir)
    return result
