"""Backup benchmark: prints figures, asserts nothing (not run by CI).

    .venv/bin/python bench/backup.py [--concerns 10000]

A data folder with N concerns (made with save_concern, as the API stores them), then: how long
`backup` holds every store's lock (what a writer may have to wait), the whole backup, its size,
the restore (every checksum verified) and `check` on the restored folder.
"""

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pwa.storage import backup  # noqa: E402
from pwa.storage.concerns import body_hash, save_concern  # noqa: E402
from pwa.storage.data_check import check_data  # noqa: E402
from pwa.storage.data_format import CURRENT_FORMAT, write_marker  # noqa: E402
from pwa.storage.restore import restore_backup  # noqa: E402
from tests.samples import valid_concern  # noqa: E402


def fill(data_dir: Path, count: int) -> None:
    write_marker(data_dir, CURRENT_FORMAT)
    fields = valid_concern()
    for _ in range(count):
        save_concern(data_dir, str(uuid.uuid4()), fields, body_hash(fields), "bench", "nl")


def timed_lock_hold() -> list[float]:
    """Wrap the read under the locks, to time what writers wait for."""
    holds, read_tree = [], backup._read_tree

    def timed(data_dir):
        start = time.perf_counter()
        try:
            return read_tree(data_dir)
        finally:
            holds.append(time.perf_counter() - start)

    backup._read_tree = timed
    return holds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concerns", type=int, default=10000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=ROOT) as scratch:
        data_dir, archive = Path(scratch) / "data", Path(scratch) / "b.tar.gz"
        data_dir.mkdir(mode=0o700)
        start = time.perf_counter()
        fill(data_dir, args.concerns)
        print(f"{args.concerns} concerns stored in {time.perf_counter() - start:.1f} s")
        holds = timed_lock_hold()
        start = time.perf_counter()
        backup.create_backup(data_dir, archive, "bench")
        total = time.perf_counter() - start
        size = archive.stat().st_size / 1e6
        print(f"backup: locks held {holds[0] * 1000:.0f} ms, total {total:.2f} s, {size:.1f} MB")
        start = time.perf_counter()
        restore_backup(archive, Path(scratch) / "restored")
        print(f"restore (checksums verified): {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        problems, counts = check_data(Path(scratch) / "restored")
        took = time.perf_counter() - start
        print(f"check: {took:.2f} s, {counts['concerns']} concerns, {len(problems)} problems")


if __name__ == "__main__":
    main()
