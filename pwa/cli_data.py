"""Operator commands for the data folder: `flask backup`, `restore`, `check` and `migrate`."""

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .storage import Busy
from .storage.backup import BackupError, create_backup
from .storage.data_check import check_data
from .storage.data_format import CURRENT_FORMAT, DataFormatError, migrate
from .storage.restore import restore_backup

SENSITIVE = (
    "It holds the concerns (sealed when keys exist), the staff's password hashes and the keys' "
    "wrapped private parts: keep it as safe as the server, readable by its owner only."
)
KEY_NOT_INCLUDED = (
    "WEGWIJZER_SECRET_KEY is set, so the secret key is not in the archive: keep it with the "
    "backup. A server restored with another secret cannot answer any receipt."
)


def _app_version() -> str:
    try:
        return version("wegwijzer")
    except PackageNotFoundError:
        return "unknown"


def _secret_key_file(app: Flask) -> dict[str, bytes] | None:
    """The instance's secret key when the app uses it and it lives outside the data folder.

    {} when the data folder holds it already; None when it came from WEGWIJZER_SECRET_KEY.
    """
    if (Path(app.config["DATA_DIR"]) / "secret_key").exists():
        return {}
    path = Path(app.instance_path) / "secret_key"
    if path.exists() and path.read_text().strip() == app.config["SECRET_KEY"]:
        return {"secret_key": path.read_bytes()}
    return None


@click.command("backup")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Write a consistent snapshot of the whole data folder to FILE (tar.gz, mode 0600)."""
    secret = _secret_key_file(current_app)
    try:
        manifest = create_backup(current_app.config["DATA_DIR"], file, _app_version(), secret)
    except Busy as busy:
        raise click.ClickException(f"{busy} stayed busy: nothing written, retry") from busy
    files = sum(1 for entry in manifest["entries"] if entry["type"] == "file")
    click.echo(
        f"Wrote {file}: {len(manifest['entries'])} entries ({files} files), format "
        f"{manifest['format']}. {SENSITIVE}"
    )
    if secret is None:
        click.echo(KEY_NOT_INCLUDED)


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "target", required=True, type=click.Path(file_okay=False, path_type=Path))
def restore(file: Path, target: Path) -> None:
    """Restore backup FILE into the empty folder DIR, verifying every checksum."""
    try:
        manifest = restore_backup(file, target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Restored {len(manifest['entries'])} entries into {target} (taken {manifest['created_at']}"
        f" by Wegwijzer {manifest['app_version']}); every checksum matches."
    )
    click.echo(f"Next: set WEGWIJZER_DATA_DIR={target}, then `flask --app wsgi check`.")
    if (manifest["format"] or CURRENT_FORMAT) < CURRENT_FORMAT:
        click.echo("It is in an older format: run `flask --app wsgi migrate` before serving it.")


@click.command("check")
@with_appcontext
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path))
def check(data_dir: Path | None) -> None:
    """Verify a data folder (default: the app's): parses, references, claims, modes, format."""
    data_dir = data_dir or Path(current_app.config["DATA_DIR"])
    problems, counts = check_data(data_dir)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise SystemExit(1)
    click.echo(f"OK: {counts['concerns']} concerns, {counts['entries']} entries in {data_dir}")


@click.command("migrate")
@with_appcontext
def migrate_command() -> None:
    """Bring the data folder to this version's format (idempotent; resumes an interrupted run)."""
    data_dir = current_app.config["DATA_DIR"]
    try:
        reached = migrate(data_dir, report=click.echo)
    except (Busy, DataFormatError) as error:
        raise click.ClickException(str(error)) from error
    if not reached:
        click.echo(f"Already at format {CURRENT_FORMAT}: nothing to do.")


def init_app(app: Flask) -> None:
    for command in (backup, restore, check, migrate_command):
        app.cli.add_command(command)
