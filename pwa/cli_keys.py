"""`flask keys ...`: the CMP key pair that seals concerns at rest, who may open it, rotation.

The recovery token is written out by `keys init` and `keys rotate` only (stdout, once), and
read at a hidden prompt, or from stdin when that is not a terminal (a provisioning script).
Nothing here logs a key or a token, and no error message repeats one.
"""

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from .clock import now
from .sealing import SealError
from .storage import audit, key_rotation, keys, sealed_records, staff

keys_cli = AppGroup("keys", help="The CMP key pair that seals concerns, and who may open it.")
CLI_AUTHOR = "command line"  # who the audit log names

INIT_NOTE = """Keys made in {folder} (key {key_id}).

RECOVERY TOKEN, shown only this once. Store it offline now: a password manager that is not on
this server, or on paper in a safe. It restores access when every admin's password is lost;
whoever has it and a copy of the data folder can read every concern. It is not stored here.

{token}

Next: each admin signs in once (that makes their account's key pair), then
  flask --app wsgi keys grant EMAIL
gives them access (it asks for this token)."""

ROTATE_NOTE = """NEW RECOVERY TOKEN. Store it offline now, in place of the old one, which stops
working as this command ends:

{token}
"""

ACCESS = {
    "granted": "access",
    "not-granted": "no access (not granted)",
    "no-keypair": "no access (no key pair yet: signs in once, then an admin grants access)",
}


def _data_dir() -> str:
    return current_app.config["DATA_DIR"]


def _require_keys() -> None:
    if not keys.keys_exist(_data_dir()):
        raise click.ClickException("no keys yet: run `flask --app wsgi keys init` first")


def _read_token() -> str:
    """At a hidden prompt on a terminal; otherwise all of stdin (e.g. `... < token.txt`)."""
    if sys.stdin.isatty():
        return click.prompt("Recovery token", hide_input=True)
    token = sys.stdin.read()
    if not token.strip():
        raise click.ClickException("no recovery token: give it on stdin or run in a terminal")
    return token


def _seal_stored_concerns() -> int:
    """Seal the concerns stored plain so far, with progress for a big folder."""

    def after_write(_concern_id: str) -> None:
        progress["files"] += 1
        if progress["files"] % 500 == 0:
            click.echo(f"... {progress['files']} concern files sealed", err=True)

    progress = {"files": 0}
    return sealed_records.seal_stored_concerns(_data_dir(), after_write)


@keys_cli.command("init")
def init() -> None:
    """Make the CMP key pair, print the recovery token once, seal the concerns stored so far.

    With keys already made it only seals what an interrupted run left plain (else refuses).
    """
    if keys.keys_exist(_data_dir()):
        sealed = _seal_stored_concerns()
        if not sealed:
            raise click.ClickException(keys.KEYS_EXIST)
        click.echo(f"Keys exist already; sealed {sealed} concern file(s) still stored plain.")
        return
    try:
        token = keys.init_keys(_data_dir(), now=now())
    except keys.KeysError as exc:
        raise click.ClickException(str(exc)) from exc
    audit.record(_data_dir(), CLI_AUTHOR, "keys-init", now=now())
    folder = keys.folder(_data_dir())
    # The token first: an interrupted sealing below must not lose it (a rerun seals the rest).
    click.echo(
        INIT_NOTE.format(folder=folder, key_id=keys.summary(_data_dir())["current"], token=token)
    )
    click.echo(f"\nSealed {_seal_stored_concerns()} concern file(s) stored plain until now.")


@keys_cli.command("grant")
@click.argument("email")
def grant(email: str) -> None:
    """Give an account access to the concerns (asks for the recovery token)."""
    _require_keys()
    email = staff.normalise_email(email)
    try:
        keys.check_grantable(_data_dir(), email)  # before asking for the token
        keyring = keys.open_cmp_key_with_recovery(_data_dir(), _read_token())
        keys.grant(_data_dir(), email, keyring)
    except (keys.KeysError, SealError) as exc:
        raise click.ClickException(str(exc)) from exc
    audit.record(_data_dir(), CLI_AUTHOR, "keys-grant", detail=email, now=now())
    click.echo(f"Granted: {email} can open the concerns from their next sign-in.")


@keys_cli.command("revoke")
@click.argument("email")
def revoke(email: str) -> None:
    """Take an account's access away (and end its sessions); its key pair stays."""
    _require_keys()
    email = staff.normalise_email(email)
    if not keys.revoke(_data_dir(), email):
        click.echo(f"{email} had no access; nothing changed.")
        return
    audit.record(_data_dir(), CLI_AUTHOR, "keys-revoke", detail=email, now=now())
    click.echo(f"Revoked: {email} can no longer open the concerns; their sessions are ended.")


@keys_cli.command("status")
def status() -> None:
    """The key pair, a rotation under way, and who has access (never a key)."""
    data_dir = _data_dir()
    summary = keys.summary(data_dir)
    if summary is None:
        click.echo("No keys yet: concerns are stored unsealed. Run `flask --app wsgi keys init`.")
        return
    current = summary["current"]
    click.echo(f"Key {current} (made {summary['pairs'][current]}) seals new concerns.")
    rotation = key_rotation.rotation_under_way(data_dir)
    if rotation:
        click.echo(
            f"A rotation from key {rotation['old']} to key {rotation['new']}, started "
            f"{rotation['started']}, is not finished: run `keys rotate` again with the "
            "recovery token it started with."
        )
    accounts = {a["email"]: a for a in staff.list_accounts(data_dir)}
    for email in sorted(set(accounts) | set(keys.accounts_with_keys(data_dir))):
        account = accounts.get(email)
        who = "no account"
        if account:
            who = f"{account['role']}\t{'disabled' if account['disabled'] else 'active'}"
        click.echo(f"{email}\t{who}\t{ACCESS[keys.access_status(data_dir, email)]}")


@keys_cli.command("rotate")
def rotate() -> None:
    """A new key pair and recovery token; every sealed value re-sealed (rerun to resume)."""
    _require_keys()
    progress = {"files": 0}

    def after_write(_concern_id: str) -> None:
        progress["files"] += 1
        if progress["files"] % 500 == 0:
            click.echo(f"... {progress['files']} concern files re-sealed", err=True)

    def show(token: str) -> None:
        click.echo(ROTATE_NOTE.format(token=token))

    try:
        result = key_rotation.rotate(_data_dir(), _read_token(), show, after_write, now=now())
    except (keys.KeysError, SealError) as exc:
        raise click.ClickException(str(exc)) from exc
    if result.finished_before:
        click.echo("That rotation had already finished; the token you gave is the current one.")
        return
    audit.record(_data_dir(), CLI_AUTHOR, "keys-rotate", detail=result.new, now=now())
    click.echo(
        f"Rotated from key {result.old} to key {result.new}: {result.resealed_files} concern "
        "file(s) re-sealed; every account that had access keeps it (sign in again)."
    )
    if result.unopenable:
        click.echo(
            "Left as they were, because nobody can open them (damaged, or sealed under an "
            f"unknown key): values in {', '.join(result.unopenable)}.",
            err=True,
        )
