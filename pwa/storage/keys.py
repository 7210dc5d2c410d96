"""The CMP key pair and each staff account's access to it (files: see key_files.py).

An account's key pair is made at its first sign-in, its private key wrapped with its password.
A grant (by a signed-in admin, or with the recovery token at the command line) seals the CMP
private key to the account's public key; signing in opens it again. A password reset from the
command line drops the account's key pair, and so its grant, until an admin grants it again.
"""

from ..sealing import (
    PASSWORD_LIMITS,
    Argon2Limits,
    KeyPair,
    Keyring,
    SealError,
    from_text,
    new_recovery_key,
    open_sealed,
    parse_recovery_token,
    seal,
    to_text,
    unwrap_with_key,
    unwrap_with_password,
    wrap_with_password,
)
from .atomic import FOLDER_MODE, create_atomically, fsync_directory, locked, write_atomically
from .clock import timestamp
from .key_files import (
    CMP_FILE,
    FORMAT,
    KeysError,
    account_keys,
    account_path,
    accounts_with_keys,
    check_pair,
    dump,
    folder,
    keys_exist,
    pair_record,
    read_cmp,
    remove_grants,
    update_cmp,
    write_cmp,
)
from .staff import end_all_sessions, get_account, normalise_email

WRONG_RECOVERY = (
    "wrong recovery key: the token is well-formed but opens none of this deployment's keys "
    "(another deployment's token, one that a key rotation replaced, or a damaged key file)"
)
KEYS_EXIST = "keys exist already; nothing changed (`keys rotate` replaces them)"
__all__ = ["KeysError", "accounts_with_keys", "keys_exist"]  # re-exported for callers


def init_keys(data_dir, now=None) -> str:
    """Make the CMP key pair; returns the recovery token (shown once, never stored).

    Never replaces keys: KeysError when they exist (only a rotation replaces them).
    """
    if keys_exist(data_dir):
        raise KeysError(KEYS_EXIST)
    pair = KeyPair.generate()
    token, recovery_key = new_recovery_key()
    record = {
        "format": FORMAT,
        "current": pair.key_id,
        "pairs": {pair.key_id: pair_record(pair, recovery_key, now)},
    }
    # create, not replace: of two inits racing, one makes the keys and the other is refused.
    if not create_atomically(folder(data_dir) / CMP_FILE, dump(record)):
        raise KeysError(KEYS_EXIST)
    return token


def cmp_public_key(data_dir) -> bytes | None:
    """The public key to seal to now (during a rotation, the new one); None: no keys yet."""
    if not keys_exist(data_dir):
        return None
    record = read_cmp(data_dir)
    return from_text(record["pairs"][record["current"]]["public_key"], "public key")


def ensure_account_keypair(
    data_dir, email: str, password: str, limits: Argon2Limits = PASSWORD_LIMITS, now=None
) -> bool:
    """Make the account's key pair if it has none (first sign-in); True when made now."""
    path = account_path(data_dir, email)
    if path.exists():
        return False
    pair = KeyPair.generate()
    record = {
        "format": FORMAT,
        "email": normalise_email(email),
        "public_key": to_text(pair.public_key),
        "created": timestamp(now),
        "private_key": wrap_with_password(pair.private_key, password, limits),
    }
    path.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    return create_atomically(path, dump(record))  # a concurrent sign-in's pair is kept


def rewrap_account(
    data_dir, email: str, old_password: str, new_password: str, limits=PASSWORD_LIMITS
) -> bool:
    """The owner changed their password: the same key pair, wrapped with the new one.

    False when the account has no key pair; SealError when old_password does not open it.
    """
    record = account_keys(data_dir, email)
    if record is None:
        return False
    private = unwrap_with_password(record["private_key"], old_password)
    wrapped = wrap_with_password(private, new_password, limits)  # slow: outside the lock
    with locked(folder(data_dir), "keys"):
        current = account_keys(data_dir, email)
        if current is None or current["public_key"] != record["public_key"]:
            return False  # dropped by a CLI reset meanwhile: the reset wins
        current["private_key"] = wrapped
        write_atomically(account_path(data_dir, email), dump(current))
    return True


def drop_account_keypair(data_dir, email: str) -> bool:
    """A password reset from the CLI: the account's key pair and grants go; True if it had any."""
    email = normalise_email(email)
    removed = False
    with locked(folder(data_dir), "keys"):
        if keys_exist(data_dir):
            record = read_cmp(data_dir)
            if remove_grants(record, email):
                write_cmp(data_dir, record)
                removed = True
        path = account_path(data_dir, email)
        if path.exists():
            path.unlink()
            fsync_directory(path.parent)
            removed = True
    return removed


def check_grantable(data_dir, email: str) -> bytes:
    """The account's public key if it can be granted access, else KeysError saying why."""
    account = get_account(data_dir, email)
    if account is None:
        raise KeysError(f"no account for {email}")
    if account["disabled"]:
        raise KeysError(f"{email} is disabled: enable the account first")
    record = account_keys(data_dir, email)
    if record is None:
        raise KeysError(f"{email} has no key pair yet: they must sign in once first")
    return from_text(record["public_key"], "public key")


def grant(data_dir, email: str, keys: Keyring) -> int:
    """Seal the CMP private key(s) in `keys` to the account; returns how many key pairs.

    KeysError for an unknown or disabled account, one without a key pair yet (they must sign
    in once first), and keys that are not among this deployment's.
    """
    email = normalise_email(email)
    account_public = check_grantable(data_dir, email)
    granted = []

    def change(cmp):
        # Under the keys lock: a CLI reset may have dropped that key pair since.
        if check_grantable(data_dir, email) != account_public:
            raise KeysError(f"{email} has a new key pair since: try again")
        for kid, pair in cmp["pairs"].items():
            if kid in keys:
                sealed = seal(account_public, check_pair(keys[kid], pair))
                pair["wraps"]["accounts"][email] = to_text(sealed)
                granted.append(kid)
        if not granted:  # raised before the write: nothing changes
            raise KeysError("these keys are not the current ones (a key rotation?): sign in again")

    update_cmp(data_dir, change)
    return len(granted)


def revoke(data_dir, email: str) -> bool:
    """Remove the account's grants (its key pair stays) and end its sessions, which hold the key.

    True if it had a grant.
    """
    removed = []
    update_cmp(data_dir, lambda cmp: removed.append(remove_grants(cmp, normalise_email(email))))
    if removed[0]:
        end_all_sessions(data_dir, email)
    return removed[0]


def open_cmp_key(data_dir, email: str, password: str) -> dict[str, bytes] | None:
    """The CMP keys this account may use (key id → private key), opened with its password.

    None, not an error, when there are no keys, no key pair or no grant (access_status() says
    which). SealError when the password does not open the account's key (a damaged file).
    """
    email = normalise_email(email)
    if not keys_exist(data_dir):
        return None
    record = account_keys(data_dir, email)
    pairs = read_cmp(data_dir)["pairs"]
    granted = {kid: pair for kid, pair in pairs.items() if email in pair["wraps"]["accounts"]}
    if record is None or not granted:
        return None
    private = unwrap_with_password(record["private_key"], password)
    keys = {}
    for kid, pair in granted.items():
        sealed = from_text(pair["wraps"]["accounts"][email], "grant")
        keys[kid] = check_pair(open_sealed(private, sealed), pair)
    return keys


def open_with_recovery_key(record: dict, recovery_key: bytes) -> dict[str, bytes]:
    """Every pair of a cmp.json record that `recovery_key` opens; SealError when none."""
    keys = {}
    for kid, pair in record["pairs"].items():
        try:
            private = unwrap_with_key(pair["wraps"]["recovery"], recovery_key)
        except SealError:
            continue
        keys[kid] = check_pair(private, pair)
    if not keys:
        raise SealError(WRONG_RECOVERY)
    return keys


def open_cmp_key_with_recovery(data_dir, token: str) -> dict[str, bytes]:
    """The CMP keys from the recovery token; RecoveryTokenError (malformed) or SealError."""
    recovery_key = parse_recovery_token(token)
    return open_with_recovery_key(read_cmp(data_dir), recovery_key)


def access_status(data_dir, email: str) -> str:
    """For the workspace: "no-keys", "no-keypair", "not-granted" or "granted"."""
    if not keys_exist(data_dir):
        return "no-keys"
    if account_keys(data_dir, email) is None:
        return "no-keypair"
    email = normalise_email(email)
    pairs = read_cmp(data_dir)["pairs"].values()
    return "granted" if any(email in p["wraps"]["accounts"] for p in pairs) else "not-granted"


def summary(data_dir) -> dict | None:
    """Which key pairs exist (id → created) and which one seals now; None: no keys yet."""
    if not keys_exist(data_dir):
        return None
    record = read_cmp(data_dir)
    pairs = {kid: pair["created"] for kid, pair in record["pairs"].items()}
    return {"current": record["current"], "pairs": pairs}
