"""MDN HTTP Observatory against the production stack on this machine: prints grade, score, tests.

    sudo .venv/bin/python bench/observatory.py        (not run by CI; asserts nothing)

Starts Caddy with deploy/Caddyfile for https://localhost (its own certificate authority, which
node is told to trust) in front of gunicorn with the service's settings (scripts/https_stack.py),
and runs the scanner pinned in package.json (npm @mdn/mdn-http-observatory) on it. The scanner
always connects to ports 80 and 443, so this needs root and both ports free. Target: A+.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: make scripts/ importable
from scripts.https_stack import Stack  # noqa: E402

SCANNER = ROOT / "node_modules" / "@mdn" / "mdn-http-observatory"
HOST = "localhost"


def offline_preload_list() -> None:
    """The scanner's install script downloads Chromium's HSTS preload list; npm ci skips it.

    An empty list gives the same result here: localhost is preloaded nowhere.
    """
    path = SCANNER / "conf" / "hsts-preload.json"
    if not path.exists():
        path.write_text("{}")


def scan(stack: Stack) -> dict:
    # src/scan.js, not the package's bin wrapper: the wrapper replaces NODE_EXTRA_CA_CERTS with
    # Mozilla's bundle, and Caddy's local authority must be the one node trusts.
    env = {**os.environ, "NODE_EXTRA_CA_CERTS": str(stack.root_certificate)}
    done = subprocess.run(
        ["node", str(SCANNER / "src" / "scan.js"), HOST],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    if done.returncode:
        sys.exit(f"scanner failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout)


def report(result: dict) -> None:
    summary = result["scan"]
    print(f"grade {summary['grade']}, score {summary['score']}")
    print(f"tests passed {summary['testsPassed']}, failed {summary['testsFailed']}")
    for name, test in sorted(result["tests"].items()):
        mark = "pass" if test["pass"] else "FAIL"
        modifier = test.get("scoreModifier", 0)
        print(f"  {mark} {name:32} {modifier:+4d}  {test['result']}")


def main() -> None:
    if os.geteuid() != 0:
        sys.exit("needs root: the scanner connects to ports 80 and 443")
    if not (SCANNER / "src" / "scan.js").exists():
        sys.exit("the scanner is missing: run scripts/test once (npm ci)")
    offline_preload_list()
    with tempfile.TemporaryDirectory() as folder:
        stack = Stack(Path(folder), host=HOST, standard_ports=True).start()
        try:
            report(scan(stack))
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
