"""The disaster drill: 4 writers against gunicorn, a backup taken in the middle, a restore,
and a server on the restored folder answering every concern acknowledged before it began."""

import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from tests.servers import ROOT, SECRET, Gunicorn
from tests.test_durability import Device, stored_by_id

FLASK = Path(sys.executable).with_name("flask")


def flask(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WEGWIJZER_DATA_DIR": str(data_dir), "WEGWIJZER_SECRET_KEY": SECRET}
    command = [str(FLASK), "--app", "wsgi", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def receipt_status(server: Gunicorn, receipt: dict) -> int:
    request = urllib.request.Request(
        f"{server.url}/api/receipts/{receipt['reference']}",
        headers={"X-Receipt-Token": receipt["receipt_token"]},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_a_backup_under_write_load_restores_every_acknowledged_concern(tmp_path):
    data_dir, archive, restored = tmp_path / "data", tmp_path / "b.tar.gz", tmp_path / "restored"
    server = Gunicorn(data_dir).start()
    acknowledged = []  # (monotonic time of the answer, receipt)
    stop = threading.Event()

    def write_until_stopped():
        device = Device()
        device.connect(server)
        while not stop.is_set():
            status, receipt = device.send(server, device.new_concern())
            assert status == 201, receipt
            acknowledged.append((time.monotonic(), receipt))

    writers = [threading.Thread(target=write_until_stopped) for _ in range(4)]
    try:
        for writer in writers:
            writer.start()
        time.sleep(1.0)
        began = time.monotonic()
        backup = flask(data_dir, "backup", str(archive))
        time.sleep(0.5)  # the writers go on after the backup too
    finally:
        stop.set()
        for writer in writers:
            writer.join()
        server.stop()
    assert backup.returncode == 0, backup.stderr
    before = [receipt for at, receipt in acknowledged if at < began]
    after = [receipt for at, receipt in acknowledged if at >= began]
    assert len(before) > 20 and after, "writers were running before and during the backup"

    restore = flask(tmp_path / "unused", "restore", str(archive), "--to", str(restored))
    assert restore.returncode == 0, restore.stderr
    check = flask(tmp_path / "unused", "check", "--data-dir", str(restored))
    assert check.returncode == 0 and check.stdout.startswith("OK: "), check.stdout
    stored = stored_by_id(restored)  # asserts no id and no reference twice
    for receipt in before:
        assert stored[receipt["id"]]["reference"] == receipt["reference"]
    server = Gunicorn(restored).start()
    try:
        assert {receipt_status(server, receipt) for receipt in before} == {200}
    finally:
        server.stop()
