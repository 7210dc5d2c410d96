"""The production stack on this machine: Caddy (deploy/Caddyfile) over gunicorn (pwa/gunicorn_conf).

Used by tests/browser/test_https_stack.py and bench/observatory.py. Caddy serves the
repository's own Caddyfile with an internal (self-signed) certificate authority, its state in
a folder of ours, and gunicorn runs with the service's settings (WEGWIJZER_PROXY_COUNT=1).
"""

import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from scripts.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
CADDYFILE = ROOT / "deploy" / "Caddyfile"
SITE = "wegwijzer.example.org"
UPSTREAM = "127.0.0.1:8000"


def caddyfile(host: str, upstream: str, folder: Path, ports: tuple[int, int] | None) -> str:
    """deploy/Caddyfile for `host` and `upstream`, with a local CA and storage in `folder`."""
    text = CADDYFILE.read_text()
    assert f"\n{SITE} {{" in text and f" {UPSTREAM}\n" in text, "deploy/Caddyfile changed"
    options = [
        "admin off",  # nothing to reload here; no port 2019
        "local_certs",  # Caddy's own CA instead of Let's Encrypt (no network, no public name)
        "skip_install_trust",  # never touch the machine's trust store
        f"storage file_system {folder / 'storage'}",
    ]
    if ports:
        # No https_port: Caddy would take it for 443 seen from outside and leave it out of the
        # http:// redirect. The port in the site's address is used as it is.
        options.append(f"http_port {ports[0]}")
    block = "{\n" + "".join(f"\t{line}\n" for line in options) + "}\n"
    address = f"{host}:{ports[1]}" if ports else host
    site = text.replace(f"\n{SITE} {{", f"\n{address} {{")
    return block + site.replace(f" {UPSTREAM}\n", f" {upstream}\n")


def wait_for(url: str, process: subprocess.Popen, log: Path, **kwargs) -> None:
    """Until `url` answers (any HTTP status); fail with the log if the process exits."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1, **kwargs):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer:\n{log.read_text()[-3000:]}")


class Stack:
    """gunicorn and Caddy in `folder`; `url` is https://host[:port], `http_url` its http://."""

    def __init__(self, folder: Path, host: str = "localhost", standard_ports: bool = False):
        self.folder = folder
        self.host = host
        self.data_dir = folder / "data"
        self.ports = None if standard_ports else (free_port(), free_port())
        suffix = "" if standard_ports else f":{self.ports[1]}"
        self.url = f"https://{host}{suffix}"
        self.http_url = f"http://{host}" + ("" if standard_ports else f":{self.ports[0]}")
        self.root_certificate = folder / "storage" / "pki" / "authorities" / "local" / "root.crt"
        self.processes = []

    def start(self, **env) -> "Stack":
        upstream = f"127.0.0.1:{free_port()}"
        self._start_gunicorn(upstream, env)
        config = self.folder / "Caddyfile"
        config.write_text(caddyfile(self.host, upstream, self.folder, self.ports))
        home = self.folder / "caddy-home"  # Caddy's autosave.json and the like, not root's
        caddy_env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}
        caddy = self._spawn(
            ["caddy", "run", "--config", str(config), "--adapter", "caddyfile"], caddy_env, "caddy"
        )
        # Only whether Caddy answers yet: the certificate is checked by the tests themselves.
        unchecked = ssl._create_unverified_context()
        wait_for(f"{self.url}/healthz", caddy, self.folder / "caddy.log", context=unchecked)
        return self

    def _start_gunicorn(self, upstream: str, env: dict) -> None:
        environment = {
            **os.environ,
            "WEGWIJZER_DATA_DIR": str(self.data_dir),
            "WEGWIJZER_INSTANCE_DIR": str(self.folder / "instance"),
            "WEGWIJZER_SECRET_KEY": "https-stack",
            "WEGWIJZER_PROXY_COUNT": "1",  # as deploy/wegwijzer.service
            **env,
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [str(gunicorn), "-c", "python:pwa.gunicorn_conf", "-w", "2", "-b", upstream]
        process = self._spawn([*command, "wsgi:app"], environment, "gunicorn")
        wait_for(f"http://{upstream}/healthz", process, self.folder / "gunicorn.log")

    def _spawn(self, command: list[str], env: dict, name: str) -> subprocess.Popen:
        with (self.folder / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
                start_new_session=True,  # its own process group: stop() reaches every worker
            )
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        """Caddy first (no new requests), then gunicorn; each waits for its children."""
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
        self.processes = []
