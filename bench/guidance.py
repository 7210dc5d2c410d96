"""Guidance benchmark: first-visit weight and Lighthouse scores. Prints figures, asserts nothing.

Not run by CI. From the project folder, after ./scripts/test has set things up once:

    npm install --prefix bench/.lighthouse lighthouse      # once; bench/.lighthouse is gitignored
    .venv/bin/python bench/guidance.py [--settle 4] [--no-lighthouse] [PATH ...]

1. First visit of /nl/antwerpen/ in a fresh Chromium profile (Debian's chromium, driven over the
   DevTools protocol on a pipe): every request of the page AND of its service worker while it
   precaches the language, for --settle seconds. Bytes are CDP's encodedDataLength (what went
   over the wire: compressed bodies plus headers); answers the page got from its service worker
   are not counted twice.
2. Lighthouse (npm package, mobile preset = its default form factor, simulated throttling) on
   each PATH (default: a few guidance pages), against the same Debian chromium.

Budgets (issue #2): first visit <= 100 KB and 0 third-party requests; Lighthouse performance
>= 95, accessibility 100, best practices 100.
"""

import argparse
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: make scripts.chromium importable
from scripts.chromium import CHROMIUM_ARGS as BROWSER_FLAGS  # noqa: E402
from scripts.ports import free_port  # noqa: E402

LIGHTHOUSE = ROOT / "bench" / ".lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
# The same flags as the browser tests, plus headless.
CHROMIUM_ARGS = [*BROWSER_FLAGS, "--headless=new"]
DEFAULT_PAGES = ["/nl/antwerpen/", "/nl/", "/fr/contacts/", "/en/nederland/", "/nl/about/"]


def start_app(data_dir: str) -> tuple[subprocess.Popen, str]:
    """The app as it runs in production (gunicorn), on a free loopback port."""
    port = free_port()
    env = {**os.environ, "WEGWIJZER_SECRET_KEY": "bench", "WEGWIJZER_DATA_DIR": data_dir}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if gunicorn.exists():
        command = [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"]
    else:
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the app did not start")


class Chromium:
    """Headless Chromium spoken to over --remote-debugging-pipe (flat sessions, stdlib only)."""

    def __init__(self, profile: str):
        to_browser, self._in = os.pipe()
        self._out, from_browser = os.pipe()

        def wire_pipes():  # the browser reads commands on fd 3 and writes answers on fd 4
            os.dup2(to_browser, 3)
            os.dup2(from_browser, 4)

        self.process = subprocess.Popen(
            [shutil.which("chromium"), *CHROMIUM_ARGS, "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=wire_pipes, pass_fds=(3, 4),  # kept open once wired
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(to_browser)
        os.close(from_browser)
        self.events: queue.Queue = queue.Queue()
        self._answers: dict[int, queue.Queue] = {}
        self._next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        buffer = b""
        while chunk := os.read(self._out, 65536):
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    self._answers.pop(message["id"]).put(message)
                else:
                    self.events.put(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        answer: queue.Queue = queue.Queue()
        self._answers[self._next_id] = answer
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._in, json.dumps(message).encode() + b"\0")
        reply = answer.get(timeout=30)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def close(self):
        self.process.kill()
        self.process.wait()


def first_visit(url: str, path: str, settle: float) -> dict:
    """Load path in a fresh profile; record the page's and its service worker's requests."""
    with tempfile.TemporaryDirectory() as profile:
        chromium = Chromium(profile)
        try:
            # Every new target (the tab, then the service worker) waits until we listen to it.
            chromium.send(
                "Target.setAutoAttach",
                {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True},
            )
            target = chromium.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            requests: dict[tuple, dict] = {}
            page_session = None
            watched = set()  # our tab and the app's service worker, not Chromium's own pages
            deadline = None
            while deadline is None or time.monotonic() < deadline:
                try:
                    event = chromium.events.get(timeout=0.2)
                except queue.Empty:
                    continue
                method, params = event["method"], event.get("params", {})
                session = event.get("sessionId")
                if method == "Target.attachedToTarget":
                    child, info = params["sessionId"], params["targetInfo"]
                    ours = info["targetId"] == target or (
                        info["type"] == "service_worker" and info["url"].startswith(url + "/")
                    )
                    if ours:
                        watched.add(child)
                        chromium.send("Network.enable", session=child)
                    chromium.send("Runtime.runIfWaitingForDebugger", session=child)
                    if info["targetId"] == target:
                        page_session = child
                        chromium.send("Page.navigate", {"url": url + path}, child)
                        deadline = time.monotonic() + settle
                elif session not in watched:
                    continue
                elif method == "Network.requestWillBeSent":
                    key = (session, params["requestId"])
                    requests.setdefault(key, {"url": params["request"]["url"]})
                    requests[key]["from"] = "page" if session == page_session else "worker"
                elif method == "Network.responseReceived":
                    key = (session, params["requestId"])
                    response = params["response"]
                    local = response.get("fromServiceWorker") or response.get("fromDiskCache")
                    requests.setdefault(key, {})["local"] = bool(local)
                elif method == "Network.requestServedFromCache":
                    requests.setdefault((session, params["requestId"]), {})["local"] = True
                elif method == "Network.loadingFinished":
                    key = (session, params["requestId"])
                    requests.setdefault(key, {})["bytes"] = params["encodedDataLength"]
        finally:
            chromium.close()
    over_network = [
        r
        for r in requests.values()
        if "url" in r and not r["url"].startswith("data:") and not r.get("local")
    ]
    # The worker's script and what it imports are fetched by the browser process, out of CDP's
    # sight (CDP reports them with 0 bytes, or not at all): count them as they come off the wire.
    over_network.append({"url": url + "/sw.js", "from": "browser"})
    for request in over_network:
        if not request.get("bytes"):
            request["bytes"] = script_size(request["url"])
    third_party = [r["url"] for r in over_network if not r["url"].startswith(url + "/")]
    return {
        "bytes": sum(r.get("bytes", 0) for r in over_network),
        "requests": len(over_network),
        "by_page": sum(1 for r in over_network if r["from"] == "page"),
        "by_worker": sum(1 for r in over_network if r["from"] != "page"),
        "third_party": third_party,
        "list": sorted((r["url"].removeprefix(url), r.get("bytes", 0)) for r in over_network),
    }


def script_size(url: str) -> int:
    """Bytes of a compressed response with its headers, as a browser would receive it."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})
    with urllib.request.urlopen(request) as response:
        body = response.read()
        headers = sum(len(f"{name}: {value}\r\n") for name, value in response.headers.items())
        return len(body) + headers + len("HTTP/1.1 200 OK\r\n\r\n")


def lighthouse(url: str) -> dict[str, int]:
    """Lighthouse's category scores (0-100) for one URL, mobile preset."""
    command = [
        "node", str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
        "--only-categories=performance,accessibility,best-practices,seo",
        "--chrome-flags=" + " ".join(CHROMIUM_ARGS),
    ]  # fmt: skip
    env = {**os.environ, "CHROME_PATH": shutil.which("chromium")}
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1:]}
    report = json.loads(result.stdout)
    scores = {key: round(cat["score"] * 100) for key, cat in report["categories"].items()}
    failing = [
        f"{audit_id} ({audit['score']})"
        for category in report["categories"].values()
        for ref in category["auditRefs"]
        if ref["weight"] > 0
        and (audit := report["audits"][ref["id"]])["score"] is not None
        and audit["score"] < 1
        and (audit_id := ref["id"])
    ]
    return {**scores, "below_100": failing}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=DEFAULT_PAGES)
    parser.add_argument("--settle", type=float, default=4.0, help="seconds to record")
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        app, url = start_app(data_dir)
        try:
            visit = first_visit(url, "/nl/antwerpen/", args.settle)
            print(f"First visit of /nl/antwerpen/ (page + service worker, {args.settle:g} s):")
            for path, size in visit["list"]:
                print(f"  {size:>7} B  {path}")
            print(
                f"  total {visit['bytes'] / 1024:.1f} KB in {visit['requests']} requests "
                f"({visit['by_page']} by the page, {visit['by_worker']} by the service worker); "
                f"third-party requests: {len(visit['third_party'])}   [budget: 100 KB, 0]"
            )
            for other in visit["third_party"]:
                print(f"  third party: {other}")
            if args.no_lighthouse:
                return
            if not LIGHTHOUSE.exists():
                print(
                    "Lighthouse is not installed: npm install --prefix bench/.lighthouse lighthouse"
                )
                return
            print("Lighthouse, mobile   [targets: performance >= 95, accessibility 100, "
                  "best practices 100]")  # fmt: skip
            for path in args.paths:
                scores = lighthouse(url + path)
                below = scores.pop("below_100", [])
                figures = "  ".join(f"{name} {value}" for name, value in scores.items())
                print(f"  {path:<18} {figures}")
                if below:
                    print(f"  {'':<18} not full marks: {', '.join(below)}")
        finally:
            app.terminate()
            app.wait()


if __name__ == "__main__":
    main()
