"""The app as a package: the wheel, installed in a fresh venv, serves from any folder.

Offline and quick: the wheel is built with the build backend already in .venv, and the new
venv borrows .venv's installed dependencies through a .pth file (never the checkout itself).
"""

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pwa.offline import worker_version
from pwa.storage.concerns import list_concerns
from scripts.ports import free_port

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parents[1]
DEV_ENV = Path(sys.prefix)  # .venv, whose installed dependencies the new venv borrows
# What a user types, minus the venv's bin/ folder: the new venv has no flask or gunicorn
# scripts of its own (they stay in .venv), so each runs as `python -m`.
SERVERS = {
    "flask": ["-m", "flask", "--app", "wsgi", "run", "--port", "{port}"],
    # With the settings the wheel carries, as deploy/wegwijzer.service starts it.
    "gunicorn": [
        *("-m", "gunicorn", "-c", "python:pwa.gunicorn_conf"),
        *("-w", "2", "-b", "127.0.0.1:{port}", "wsgi:app"),
    ],
}
CONCERN = {
    "kind": "registration",
    "school": "Athénée d'Anvers",
    "reporter_name": "Anne Janssens",
    "reporter_role": "teacher",
    "reporter_phone": "03 338 32 66",
    "pupil_ref": "J.P.",
    "need": "Des propos en classe qui m'inquiètent.",
    "urgent": False,
}


def run(*command, **kwargs) -> str:
    done = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=120, **kwargs
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def clean_env(**extra) -> dict:
    """This environment without anything that could point back at the checkout or set the app up."""
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "FLASK_", "WEGWIJZER_")
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(drop)},
        **extra,
    }


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A new venv holding only the wheel built from this checkout (plus .venv's dependencies)."""
    base = tmp_path_factory.mktemp("wheel")
    run(
        sys.executable,
        *("-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"),
        *("--wheel-dir", base / "dist", ROOT),
    )
    [wheel] = (base / "dist").glob("wegwijzer-*.whl")
    venv = base / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site_packages = Path(
        run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip()
    )
    # A .pth line only appends that folder to sys.path: the .pth files inside it, such as the
    # editable install's pointer to the checkout, are not read.
    (site_packages / "_dev_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel
    )
    return venv


@pytest.fixture
def workdir(tmp_path) -> Path:
    """A folder far from the checkout to start the server in (flask and gunicorn import from it)."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def test_the_installed_package_does_not_see_the_checkout(venv, workdir):
    python = venv / "bin" / "python"
    probe = (
        "import json, sys, pwa, wsgi; print(json.dumps([pwa.__file__, wsgi.__file__, sys.path]))"
    )
    pwa_file, wsgi_file, path = json.loads(run(python, "-c", probe, cwd=workdir, env=clean_env()))
    assert Path(pwa_file).is_relative_to(venv)
    assert Path(wsgi_file).is_relative_to(venv)
    assert not [entry for entry in path if entry and Path(entry).resolve() == ROOT]
    packaged = Path(pwa_file).parent
    assert (packaged / "translations" / "fr" / "LC_MESSAGES" / "messages.po").is_file()
    assert (packaged / "service_worker" / "sw.js").is_file()


class Server:
    """One of SERVERS running from the venv in `workdir`; stderr is Python's import log."""

    def __init__(self, venv: Path, workdir: Path, kind: str):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log = workdir / "server.log"
        command = [venv / "bin" / "python", *(a.format(port=port) for a in SERVERS[kind])]
        with self.log.open("w") as log:
            # PYTHONVERBOSE=1 logs the file every module is loaded from: proof of where
            # the running server's pwa package comes from.
            self.process = subprocess.Popen(
                command, cwd=workdir, env=clean_env(PYTHONVERBOSE="1"), stdout=log, stderr=log
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)

    def loaded_files(self) -> list[str]:
        return re.findall(r"^# code object from '?(.+?)'?$", self.log.read_text(), re.M)


@pytest.fixture(params=sorted(SERVERS))
def server(request, venv, workdir):
    # Start with no instance folder at all: no secret key, no data, no compiled catalogs.
    shutil.rmtree(venv / "var", ignore_errors=True)
    server = Server(venv, workdir, request.param)
    yield server
    server.stop()


def test_installed_app_serves_french_the_service_worker_and_takes_a_concern(
    server, venv, workdir, app
):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    with opener.open(f"{server.url}/fr/") as response:
        page = response.read().decode()
    assert '<html lang="fr"' in page
    assert "Aller au contenu" in page  # from translations/, compiled at start-up

    with opener.open(f"{server.url}/sw.js") as response:
        assert response.headers.get_content_type() == "text/javascript"
        worker = response.read().decode()
    assert "__VERSION__" not in worker
    # The same version as the checkout's: the wheel carries every file a cached page is made of.
    with app.test_request_context():
        version = worker_version()
    assert f"const VERSION = '{version}';" in worker

    with opener.open(f"{server.url}/api/csrf") as response:
        token = json.load(response)["csrf_token"]
    request = urllib.request.Request(
        f"{server.url}/api/concerns",
        data=json.dumps(CONCERN).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": token,
            "Idempotency-Key": str(uuid.uuid4()),
        },
    )
    with opener.open(request) as response:
        assert response.status == 201
        reference = json.load(response)["reference"]
    year = datetime.now(ZoneInfo("Europe/Brussels")).year
    assert re.fullmatch(rf"CMP-{year}-\d{{4}}", reference)
    # With no configuration the data lives in the venv's instance folder (see the README).
    stored = list_concerns(venv / "var" / "pwa-instance")
    assert [concern["reference"] for concern in stored] == [reference]

    server.stop()
    loaded = [Path(name) for name in server.loaded_files()]
    assert [f for f in loaded if f.is_relative_to(venv) and "pwa" in f.parts]
    # .venv lies inside the checkout too; the app's code must come from nowhere else in it.
    from_checkout = [f for f in loaded if f.is_relative_to(ROOT) and not f.is_relative_to(DEV_ENV)]
    assert not from_checkout, "the server ran code from the checkout"
    # Nothing is written to the folder the server was started in.
    assert [p.name for p in workdir.iterdir()] == [server.log.name]
