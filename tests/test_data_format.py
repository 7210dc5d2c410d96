"""The data folder's format: a folder written by main 5db838b (format 1) upgraded, migrate
twice and interrupted, a fresh folder marked, a newer folder refused."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pyotp
import pytest

from pwa import create_app
from pwa.storage import data_format
from pwa.storage.data_check import check_data
from scripts.ports import free_port
from tests.keys_helpers import FAST
from tests.servers import ROOT

FIXTURE = Path(__file__).parent / "data" / "format1"
FACTS = json.loads((Path(__file__).parent / "data" / "format1.json").read_text())


def app_on(data_dir: Path):
    config = {"TESTING": True, "SECRET_KEY": FACTS["secret"], "DATA_DIR": str(data_dir)}
    return create_app({**config, "KEY_WRAP_LIMITS": FAST, "WTF_CSRF_ENABLED": False})


def state(data_dir: Path) -> dict:
    """Every entry's mode, bytes (or link target) and mtime: what "no change" compares."""
    found = {}
    for path in sorted(data_dir.rglob("*")):
        info = path.lstat()
        content = os.readlink(path) if path.is_symlink() else path.is_file() and path.read_bytes()
        found[str(path)] = (info.st_mode, info.st_mtime_ns, content)
    return found


@pytest.fixture
def old_folder(tmp_path):
    """A copy of the committed format-1 folder, with the modes a checkout gives (0644/0755)."""
    folder = tmp_path / "old"
    shutil.copytree(FIXTURE, folder, symlinks=True)
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    return folder


def test_a_folder_written_by_the_previous_version_is_upgraded_whole(old_folder):
    app = app_on(old_folder)
    client = app.test_client()
    # Not served in the old format: phones keep their concerns and retry.
    refused = client.get("/api/csrf")
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "60"
    assert "Wegwijzer" in refused.get_data(as_text=True)
    before = sorted(p.name for p in (old_folder / "concerns").iterdir())
    sent = client.post("/api/concerns", json={}, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert sent.status_code == 503  # the phone keeps it in its outbox and retries
    assert sorted(p.name for p in (old_folder / "concerns").iterdir()) == before
    assert client.get("/healthz").status_code == 200
    assert "migrate" in data_format.format_problem(old_folder)
    assert any("format 1, want 2" in p for p in check_data(old_folder)[0])

    result = app.test_cli_runner().invoke(args=["migrate"])
    assert result.exit_code == 0, result.output
    assert "format 1 -> 2" in result.output
    assert json.loads((old_folder / "format.json").read_text()) == {"format": 2}
    assert data_format.format_problem(old_folder) is None
    problems, counts = check_data(old_folder)
    assert problems == [] and counts["concerns"] == 3

    # Served again without a restart: every receipt answers with its token.
    for sent in FACTS["receipts"]:
        answer = client.get(
            f"/api/receipts/{sent['reference']}", headers={"X-Receipt-Token": sent["receipt_token"]}
        )
        assert answer.status_code == 200 and answer.get_json()["reference"] == sent["reference"]
    # The staff member signs in (password, then the TOTP code) and sees every concern.
    client.post("/staff/login", data={"email": FACTS["email"], "password": FACTS["password"]})
    code = pyotp.TOTP(FACTS["totp_secret"]).now()
    assert client.post("/staff/totp", data={"code": code}).location.endswith("/staff/inbox")
    inbox = client.get("/staff/inbox").get_data(as_text=True)
    for sent in FACTS["receipts"]:
        assert sent["reference"] in inbox
    assert FACTS["deleted_reference"] not in inbox


def test_migrate_twice_changes_nothing_the_second_time(old_folder):
    runner = app_on(old_folder).test_cli_runner()
    assert runner.invoke(args=["migrate"]).exit_code == 0
    before = state(old_folder)
    again = runner.invoke(args=["migrate"])
    assert again.exit_code == 0 and "Already at format 2" in again.output
    assert state(old_folder) == before


def test_an_interrupted_migration_resumes_where_it_stopped(tmp_path):
    folder = tmp_path / "data"
    (folder / "concerns").mkdir(parents=True)  # format 1: a store without a marker
    runs = []

    def step(number):
        def run(data_dir):
            runs.append(number)
            if number == 2 and runs.count(2) == 1:
                raise OSError("disk full")
            return 0

        return ("a step", run)

    steps = {1: step(1), 2: step(2)}
    with pytest.raises(OSError):
        data_format.migrate(folder, report=lambda _: None, migrations=steps, current=3)
    assert data_format.read_format(folder) == 2  # step 1 is done and marked
    reached = data_format.migrate(folder, report=lambda _: None, migrations=steps, current=3)
    assert reached == [3] and runs == [1, 2, 2]
    assert data_format.read_format(folder) == 3


def test_a_fresh_folder_is_marked_current_and_needs_no_migration(tmp_path):
    folder = tmp_path / "fresh"
    app_on(folder)
    assert json.loads((folder / "format.json").read_text()) == {"format": 2}
    assert check_data(folder) == ([], {"concerns": 0, "entries": 2})
    result = app_on(folder).test_cli_runner().invoke(args=["migrate"])
    assert result.exit_code == 0 and "Already at format 2" in result.output


def test_a_folder_from_a_newer_version_stops_the_start(tmp_path):
    folder = tmp_path / "newer"
    folder.mkdir()
    (folder / "format.json").write_text('{"format": 3}')
    with pytest.raises(data_format.DataFormatError) as refused:
        app_on(folder)
    assert str(refused.value) == (
        "This data folder was written by a newer Wegwijzer (format 3); this version understands "
        "format 2. Install the newer version again, or restore a backup taken with this version."
    )
    assert "newer" in data_format.format_problem(folder)


def test_gunicorn_and_flask_commands_refuse_a_newer_folder(tmp_path):
    folder = tmp_path / "newer"
    folder.mkdir()
    (folder / "format.json").write_text('{"format": 3}')
    env = {**os.environ, "WEGWIJZER_DATA_DIR": str(folder), "WEGWIJZER_SECRET_KEY": "s"}
    bin_dir = Path(sys.executable).parent
    port = f"127.0.0.1:{free_port()}"
    for command in (
        [bin_dir / "gunicorn", "--preload", "-w", "2", "-b", port, "wsgi:app"],
        [bin_dir / "flask", "--app", "wsgi", "migrate"],
    ):
        run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert run.returncode != 0
        assert "written by a newer Wegwijzer (format 3)" in run.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["format.json"]
