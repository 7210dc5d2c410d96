"""Production serving: gunicorn's settings, the systemd unit, and the instance folder it needs."""

import configparser
import importlib
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pwa import create_app

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "deploy" / "wegwijzer.service"


def gunicorn_settings(monkeypatch, **env) -> object:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import pwa.gunicorn_conf

    return importlib.reload(pwa.gunicorn_conf)


def test_gunicorn_workers_follow_the_cores_and_web_concurrency(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 2)
    assert gunicorn_settings(monkeypatch).workers == 5
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 64)
    assert gunicorn_settings(monkeypatch).workers == 8  # capped
    assert gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3").workers == 3


def test_gunicorn_keeps_no_access_log_of_its_own_and_listens_on_loopback(monkeypatch):
    settings = gunicorn_settings(monkeypatch)
    # gunicorn's access log format has the query string; the app logs requests itself.
    assert settings.accesslog is None
    assert settings.errorlog == "-"
    assert settings.bind == ["127.0.0.1:8000"]
    assert settings.preload_app is True


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read(UNIT)
    return parser


def unit_environment() -> dict[str, str]:
    text = UNIT.read_text()
    lines = [line.removeprefix("Environment=") for line in text.splitlines()]
    return dict(line.split("=", 1) for line in lines if line.startswith("WEGWIJZER_"))


def test_the_unit_keeps_data_and_the_apps_files_in_its_state_directory():
    service = unit()["Service"]
    assert service["User"] == "wegwijzer"
    assert service["ProtectSystem"] == "strict"
    assert service["NoNewPrivileges"] == "true"
    env = unit_environment()
    # Both writable folders are made by StateDirectory=; /opt stays read-only.
    state = ["/var/lib/" + name for name in service["StateDirectory"].split()]
    assert env["WEGWIJZER_DATA_DIR"] in state
    assert env["WEGWIJZER_INSTANCE_DIR"] in state
    assert env["WEGWIJZER_PROXY_COUNT"] == "1"
    assert "-c python:pwa.gunicorn_conf wsgi:app" in service["ExecStart"]


def test_every_setting_of_the_unit_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name in unit_environment():
        assert f"| `{name}` |" in readme, name


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is missing")
def test_systemd_accepts_the_unit(tmp_path):
    # The unit as installed, with this venv in place of /opt/wegwijzer (the paths must exist).
    venv = Path(sys.executable).parent.parent
    copy = tmp_path / "wegwijzer.service"
    copy.write_text(UNIT.read_text().replace("/opt/wegwijzer", str(venv)))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_the_instance_folder_can_live_outside_the_install(monkeypatch, tmp_path):
    """A read-only install (ProtectSystem=strict): the secret key and catalogs go elsewhere."""
    for name in ("WEGWIJZER_SECRET_KEY", "WEGWIJZER_PROXY_COUNT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WEGWIJZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WEGWIJZER_INSTANCE_DIR", str(tmp_path / "instance"))
    app = create_app()
    assert app.instance_path == str(tmp_path / "instance")
    key = tmp_path / "instance" / "secret_key"
    assert key.read_text().strip() == app.config["SECRET_KEY"]
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (tmp_path / "instance" / "translations" / "fr" / "LC_MESSAGES" / "messages.mo").exists()
    assert not (tmp_path / "data" / "secret_key").exists()
