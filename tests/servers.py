"""Real servers that tests start and stop: gunicorn with several workers, as in production."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from scripts.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
SECRET = "server-tests"


class Gunicorn:
    """`gunicorn -w 4 wsgi:app` on a free loopback port, in its own process group."""

    app = "wsgi:app"

    def __init__(self, data_dir: Path, workers: int = 4, log_path: Path | None = None, **env):
        self.data_dir = data_dir
        self.workers = workers
        self.log_path = log_path  # the server's stderr (the app's JSON lines), else dropped
        # These servers take loads from one loopback address: no per-address limit unless a
        # test sets WEGWIJZER_RATE_LIMIT itself.
        self.env = {"WEGWIJZER_RATE_LIMIT": "0", **env}
        self.process = None

    def start(self) -> "Gunicorn":
        self.url = f"http://127.0.0.1:{free_port()}"
        env = {
            **os.environ,
            "WEGWIJZER_DATA_DIR": str(self.data_dir),
            "WEGWIJZER_SECRET_KEY": SECRET,
            **self.env,
        }
        command = [str(GUNICORN), "-w", str(self.workers), "-b", self.url[7:], "--preload"]
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [*command, "--log-level", "warning", self.app],
            cwd=ROOT,
            env=env,
            start_new_session=True,  # its own process group: kill -9 reaches every worker
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        if self.log_path:
            log.close()  # the server holds its own copy
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)
        self.kill()
        raise RuntimeError("gunicorn did not start")

    def kill(self) -> None:
        """kill -9 the master and all its workers at once: a crash, not a shutdown."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
