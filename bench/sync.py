"""Sync benchmark: prints figures, asserts nothing (not run by CI).

    .venv/bin/python bench/sync.py [--seconds 4] [--clients 16] [--workers 4] [--stored 10000]

1. The disk's durable-write ceiling: one writer; 2 KiB temp file, fsync, rename, fsync folder.
   Measured right before and right after the POSTs (the ratio uses their mean): on a shared
   machine it drifts, so both are shown.
2. POST /api/concerns and GET /healthz against `gunicorn -w N wsgi:app` on loopback, with
   concurrent clients (separate processes, so the client is not the bottleneck's GIL).
3. The same POSTs with fsync switched off (bench/wsgi_without_fsync.py): what the CPU
   allows. Durable POSTs near this figure are limited by the CPU, not by the disk.
4. The cost of one insert with 10,000 concerns stored relative to 100 stored (save_concern).
5. POSTs with keys made (issue #10: the private fields sealed to the CMP key at intake) and
   without, back to back on fresh folders: the ratio should stay above 0.9.
6. POSTs with the per-address rate limit on (issue #11) but out of reach, against off: every
   simulated phone comes from 127.0.0.1, so all share one counter file and its lock, the worst
   case (a school behind one NAT address).
All in one run, on the same disk (a temp folder under the project's folder).

Wait a few minutes after a test run or another benchmark before measuring: on ext4 without
a journal, creating a file costs ten times more for minutes after many were deleted (the
kernel steps over each recently freed inode), which moves every figure here.
"""

import argparse
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pwa.storage.atomic import fsync_directory  # noqa: E402
from pwa.storage.concerns import body_hash, save_concern  # noqa: E402
from pwa.storage.data_format import prepare  # noqa: E402
from pwa.storage.keys import init_keys  # noqa: E402
from scripts.ports import free_port  # noqa: E402

SECRET = "bench"
BODY = {
    "kind": "registration",
    "school": "Atheneum Antwerpen",
    "reporter_name": "An Janssens",
    "reporter_role": "teacher",
    "reporter_phone": "03 338 32 66",
    "pupil_ref": "J.P.",
    "need": "Zegt sinds kort dingen die me zorgen baren. " * 20,
    "assessment": "unsure",
    "clb_informed": True,
    "urgent": False,
}


def durable_write_ceiling(folder: Path, seconds: float) -> float:
    """Atomic durable writes per second for one writer, as the store does them."""
    folder.mkdir(parents=True, exist_ok=True)
    data = os.urandom(2048)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        partial, final = folder / f".f{count}.partial", folder / f"f{count}"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, data)
        os.fsync(fd)
        os.close(fd)
        os.replace(partial, final)
        fsync_directory(folder)
        count += 1
    return count / (time.perf_counter() - start)


def start_gunicorn(
    data_dir: Path, workers: int, app: str, rate_limit: str = "0"
) -> tuple[subprocess.Popen, str]:
    url = f"http://127.0.0.1:{free_port()}"
    env = {**os.environ, "WEGWIJZER_DATA_DIR": str(data_dir), "WEGWIJZER_SECRET_KEY": SECRET}
    # Off unless measured: every simulated phone comes from 127.0.0.1.
    env["WEGWIJZER_RATE_LIMIT"] = rate_limit
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-w", str(workers), "-b", url[7:], "--preload", "--log-level", "warning"]
        + [app],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1).close()
            return process, url
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def client(url: str, what: str, seconds: float, session: tuple[str, str], results) -> None:
    """One client process: send requests back to back until time is up; count the 2xx."""
    cookie, token = session
    count, failures, deadline = 0, 0, time.perf_counter() + seconds
    body = json.dumps(BODY).encode()
    while time.perf_counter() < deadline:
        if what == "healthz":
            request = urllib.request.Request(f"{url}/healthz")
        else:
            request = urllib.request.Request(
                f"{url}/api/concerns",
                data=body,
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "Idempotency-Key": str(uuid.uuid4()),
                    "X-CSRFToken": token,
                    "Cookie": cookie,
                },
            )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                count += 200 <= response.status < 300
        except OSError:
            failures += 1
    results.put((count, failures))


def throughput(url: str, what: str, clients: int, seconds: float, session) -> tuple[float, int]:
    results = multiprocessing.Queue()
    processes = [
        multiprocessing.Process(target=client, args=(url, what, seconds, session, results))
        for _ in range(clients)
    ]
    start = time.perf_counter()
    for process in processes:
        process.start()
    totals = [results.get() for _ in processes]
    elapsed = time.perf_counter() - start
    for process in processes:
        process.join()
    return sum(ok for ok, _ in totals) / elapsed, sum(failed for _, failed in totals)


def insert_cost(data_dir: Path, stored: int, samples: int) -> float:
    """Median seconds for one save_concern with `stored` concerns already there."""
    fields = {"kind": "consult", "school": "Atheneum", "need": "x" * 500}
    digest = body_hash(fields)
    already = sum(1 for _ in (data_dir / "concerns").glob("*.json")) if data_dir.exists() else 0
    for _ in range(stored - already):
        save_concern(data_dir, str(uuid.uuid4()), fields, digest, SECRET, "nl")
    timings = []
    for _ in range(samples):
        start = time.perf_counter()
        save_concern(data_dir, str(uuid.uuid4()), fields, digest, SECRET, "nl")
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def new_session(url: str) -> tuple[str, str]:
    """A session cookie and its CSRF token, as a device gets them before a sync."""
    with urllib.request.urlopen(f"{url}/api/csrf") as response:
        return response.headers["Set-Cookie"].split(";")[0], json.load(response)["csrf_token"]


def serve_and_measure(
    folder: Path, app: str, args, ceiling_folder: Path | None = None, rate_limit: str = "0"
) -> dict:
    """POSTs, with GET /healthz and a ceiling measured right before and after when asked."""
    figures = {}
    process, url = start_gunicorn(folder, args.workers, app, rate_limit)
    try:
        session = new_session(url)
        if ceiling_folder:
            figures["before"] = durable_write_ceiling(ceiling_folder / "1", args.seconds)
        figures["sync"], figures["failed"] = throughput(
            url, "concerns", args.clients, args.seconds, session
        )
        if ceiling_folder:
            figures["after"] = durable_write_ceiling(ceiling_folder / "2", args.seconds)
            figures["health"], _ = throughput(url, "healthz", args.clients, args.seconds, session)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--stored", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--app", default="wsgi:app", help="the WSGI app gunicorn serves")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(dir=ROOT, prefix=".bench-") as tmp:
        tmp = Path(tmp)
        print(f"machine: {os.cpu_count()} CPUs; folder on the project's disk: {tmp}")
        run = serve_and_measure(tmp / "server", args.app, args, ceiling_folder=tmp / "ceiling")
        ceiling = (run["before"] + run["after"]) / 2
        print(
            f"durable-write ceiling (1 writer, 2 KiB, fsync+rename+fsync dir): {ceiling:8.0f}/s"
            f"  (before the POSTs {run['before']:.0f}, after {run['after']:.0f})"
        )
        clients = f"({args.workers} workers, {args.clients} clients)"
        print(f"POST /api/concerns {clients}: {run['sync']:8.0f}/s  ({run['failed']} failed)")
        print(f"GET /healthz       {clients}: {run['health']:8.0f}/s")
        print(f"  sync / durable ceiling    = {run['sync'] / ceiling:.3f}")
        print(f"  sync / healthz            = {run['sync'] / run['health']:.3f}")
        bound = serve_and_measure(tmp / "without-fsync", "bench.wsgi_without_fsync:app", args)
        print(f"POST with fsync off (NOT durable; what the CPU allows): {bound['sync']:8.0f}/s")
        print(f"  sync / sync without fsync = {run['sync'] / bound['sync']:.3f}")

        small = insert_cost(tmp / "small", 100, args.samples)
        large = insert_cost(tmp / "large", args.stored, args.samples)
        print(f"one insert with {100:>6} stored: {small * 1000:7.2f} ms (median of {args.samples})")
        print(f"one insert with {args.stored:>6} stored: {large * 1000:7.2f} ms")
        print(f"  cost ratio {args.stored} / 100 = {large / small:.2f}")

        plain = serve_and_measure(tmp / "unsealed", args.app, args)
        (tmp / "sealed").mkdir()
        prepare(tmp / "sealed")  # marked current first, as the app marks a new folder
        init_keys(tmp / "sealed")  # the recovery token is not needed to store
        sealed = serve_and_measure(tmp / "sealed", args.app, args)
        print(f"POST without keys (stored plain) {clients}: {plain['sync']:8.0f}/s")
        print(f"POST sealed at intake (keys)     {clients}: {sealed['sync']:8.0f}/s", end="")
        print(f"  ({sealed['failed']} failed)")
        print(f"  sealed / unsealed         = {sealed['sync'] / plain['sync']:.3f}  (aim: > 0.9)")

        limited = serve_and_measure(tmp / "limited", args.app, args, rate_limit="1000000/hour")
        print(f"POST, rate limit on, one address {clients}: {limited['sync']:8.0f}/s", end="")
        print(f"  ({limited['failed']} failed)")
        print(f"  limit on / off            = {limited['sync'] / plain['sync']:.3f}")


if __name__ == "__main__":
    main()
