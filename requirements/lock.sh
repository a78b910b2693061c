#!/usr/bin/env bash
# Refresh the lock files after changing dependencies in pyproject.toml:
#   bash requirements/lock.sh
# It resolves the newest releases pyproject.toml allows, with hashes, for every platform
# (uv's universal mode), into app.lock (what `./run.sh app` installs) and test.lock (what
# `./run.sh test` and CI install). Commit both; tests/test_lock.py checks they still
# satisfy pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VENV=${UV_VENV:-/tmp/screening-uv}
[ -x "$UV_VENV/bin/uv" ] || { python3 -m venv "$UV_VENV" && "$UV_VENV/bin/pip" install -q uv; }
compile() {
  "$UV_VENV/bin/uv" pip compile pyproject.toml requirements/build.in "$@" \
    --generate-hashes --universal --python-version 3.11 --no-header --quiet
}
compile -o requirements/app.lock
compile --extra test -o requirements/test.lock
