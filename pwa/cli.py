"""Command-line tasks: staff accounts (`flask staff ...`), retention (`flask purge`), the
guidance document (`flask content export|import`), the keys (`flask keys ...`, cli_keys.py) and
the data folder (`flask backup|restore|check|migrate`, cli_data.py)."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import cli_data, guidance_drafts
from .cli_keys import keys_cli
from .clock import now
from .guidance import ContentError
from .storage import audit, inbox, keys, staff

staff_cli = AppGroup("staff", help="Manage CMP staff accounts.")


def _data_dir() -> str:
    return current_app.config["DATA_DIR"]


def _ask_password() -> str:
    """A hidden prompt with confirmation: a password never appears in argv or shell history."""
    while True:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            staff.check_password_rules(password)
            return password
        except staff.AccountError as exc:
            click.echo(f"Error: {exc}", err=True)


@staff_cli.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(staff.ROLES), required=True)
def add(email: str, role: str) -> None:
    """Create an account; the second factor is set up at the first sign-in."""
    if staff.get_account(_data_dir(), email):
        raise click.ClickException(f"an account for {staff.normalise_email(email)} already exists")
    try:
        account = staff.create_account(_data_dir(), email, _ask_password(), role)
    except staff.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {account['role']} account {account['email']}.")


@staff_cli.command("list")
def list_() -> None:
    """Every account with its role and state (never a password or key)."""
    accounts = staff.list_accounts(_data_dir())
    if not accounts:
        click.echo("No accounts.")
    for account in accounts:
        state = "disabled" if account["disabled"] else "active"
        factor = "2FA on" if account["totp_confirmed"] else "2FA not set up"
        click.echo(f"{account['email']}\t{account['role']}\t{state}\t{factor}")


def _set_disabled(email: str, disabled: bool) -> None:
    try:
        staff.set_disabled(_data_dir(), email, disabled)
    except staff.AccountError as exc:
        raise click.ClickException(str(exc)) from exc


@staff_cli.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Stop an account from signing in, end its sessions and revoke its access to the concerns."""
    _set_disabled(email, True)
    email = staff.normalise_email(email)
    click.echo(f"Disabled {email}; its sessions are ended.")
    # Revoked, not kept: a wrap a disabled account still has would open with its old password.
    if keys.keys_exist(_data_dir()) and keys.revoke(_data_dir(), email):
        audit.record(_data_dir(), CLI_AUTHOR, "keys-revoke", detail=email, now=now())
        click.echo("Its access to the concerns is revoked: after enabling, grant it again.")


@staff_cli.command("enable")
@click.argument("email")
def enable(email: str) -> None:
    """Let a disabled account sign in again (access to the concerns needs a new grant)."""
    _set_disabled(email, False)
    email = staff.normalise_email(email)
    click.echo(f"Enabled {email}.")
    if keys.keys_exist(_data_dir()) and keys.access_status(_data_dir(), email) != "granted":
        click.echo("It has no access to the concerns until an admin grants it.")


@staff_cli.command("reset-password")
@click.argument("email")
@click.option(
    "--reset-totp",
    is_flag=True,
    help="Also remove the second factor (lost phone): it is set up again at the next sign-in.",
)
def reset_password(email: str, reset_totp: bool) -> None:
    """Set a new password and end every session; the second factor stays unless --reset-totp."""
    if not staff.get_account(_data_dir(), email):
        raise click.ClickException(f"no account for {staff.normalise_email(email)}")
    try:
        staff.reset_password(_data_dir(), email, _ask_password(), reset_totp=reset_totp)
    except staff.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    extra = " The second factor was removed." if reset_totp else ""
    click.echo(f"Password reset for {staff.normalise_email(email)}.{extra}")
    # The old password wrapped the account's key, and this command cannot know it: the
    # account's key pair and grant go, and an admin grants access again after its next sign-in.
    dropped = keys.drop_account_keypair(_data_dir(), email)
    if dropped or keys.keys_exist(_data_dir()):
        click.echo(
            "Its access to the concerns is dropped: after its next sign-in, an admin grants it "
            "again (workspace, or `flask --app wsgi keys grant EMAIL`)."
        )


@click.command("purge")
@click.option("--days", type=int, default=None, help="Override WEGWIJZER_RETENTION_DAYS.")
def purge(days: int | None) -> None:
    """Delete concerns closed longer ago than the retention period (safe to run from cron)."""
    retention = days if days is not None else int(current_app.config["RETENTION_DAYS"])
    references = inbox.purge_closed(_data_dir(), retention)
    click.echo(f"Purged {len(references)} concern(s) closed more than {retention} days ago.")


content_cli = AppGroup("content", help="Export or import the guidance document (TOML).")
# Who the draft and the audit name when an operator imports on the server.
CLI_AUTHOR = "command line"


@content_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--draft", is_flag=True, help="The draft instead of the live version.")
def content_export(file: Path, draft: bool) -> None:
    """Write the live guidance (or the draft) to FILE, exactly as the workspace exports it."""
    copy = guidance_drafts.working_copy()
    text = copy.text if draft else copy.live_text
    file.write_bytes(text.encode("utf-8"))
    which = "the draft" if draft else f"version {copy.live_version}"
    click.echo(f"Wrote {which} to {file}.")


@content_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def content_import(file: Path) -> None:
    """Make FILE the draft (validated; replaces any draft). Publish it in the workspace."""
    try:
        text = file.read_bytes().decode("utf-8-sig")
        guidance_drafts.save_draft(text, CLI_AUTHOR, now())
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file} is not UTF-8 text") from exc
    except ContentError as exc:
        raise click.ClickException(f"not imported, nothing changed: {exc}") from exc
    audit.record(_data_dir(), CLI_AUTHOR, "content-import", now=now())
    click.echo(f"{file} is now the draft: preview and publish it under /staff/content/.")


def init_app(app: Flask) -> None:
    app.cli.add_command(staff_cli)
    app.cli.add_command(purge)
    app.cli.add_command(content_cli)
    app.cli.add_command(keys_cli)
    cli_data.init_app(app)
