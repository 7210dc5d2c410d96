#!/usr/bin/env bash
# Sourced by scripts/run and scripts/test: make .venv and install the project into it, with
# exactly the versions locked in requirements/ (app.txt, or test.txt: the app and the test tools).
# Usage: source scripts/bootstrap.sh [extra]   (extra: "test" also installs the test tools)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  # Install Debian packages only when something is missing; `apt-get update` once.
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt_install python3-venv
    "$PYTHON" -m venv .venv
  fi
fi
extra=${1:-}
lock="requirements/${extra:-app}.txt"
stamp=".venv/.installed-${extra:-app}"
# Reinstall only when the lock file or the project itself (pyproject.toml) changed: the stamp
# holds their checksum (contents, not dates: scripts/lock rewrites a lock even when it's the same).
installed=$(cat "$lock" pyproject.toml | sha256sum)
if [ "$(cat "$stamp" 2>/dev/null)" != "$installed" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  # Every dependency at its locked version, checked against its hash (scripts/lock makes them).
  .venv/bin/python -m pip install -q --require-hashes -r "$lock"
  # Then the project, editable, adding nothing the lock did not pin.
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$installed" >"$stamp"
fi
