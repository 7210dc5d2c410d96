"""Command-line tasks: staff accounts (`flask staff ...`) and retention (`flask purge`)."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .storage import inbox, staff

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
    """Stop an account from signing in, and end its open sessions."""
    _set_disabled(email, True)
    click.echo(f"Disabled {staff.normalise_email(email)}; its sessions are ended.")


@staff_cli.command("enable")
@click.argument("email")
def enable(email: str) -> None:
    """Let a disabled account sign in again."""
    _set_disabled(email, False)
    click.echo(f"Enabled {staff.normalise_email(email)}.")


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


@click.command("purge")
@click.option("--days", type=int, default=None, help="Override WEGWIJZER_RETENTION_DAYS.")
def purge(days: int | None) -> None:
    """Delete concerns closed longer ago than the retention period (safe to run from cron)."""
    retention = days if days is not None else int(current_app.config["RETENTION_DAYS"])
    references = inbox.purge_closed(_data_dir(), retention)
    click.echo(f"Purged {len(references)} concern(s) closed more than {retention} days ago.")


def init_app(app: Flask) -> None:
    app.cli.add_command(staff_cli)
    app.cli.add_command(purge)
