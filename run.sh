#!/usr/bin/env bash
# One entry point for a fresh machine: sets up .venv (once) and then
#   ./run.sh app    starts the web app on http://localhost:8501 (this machine only)
#   ./run.sh test   runs the whole test suite (installs Chromium and PostgreSQL for it if root)
#   ./run.sh score VIDEO...   scores videos from the command line
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

setup() {
  # $1 is app or test: install exactly what requirements/$1.lock pins (with hashes), so a
  # fresh machine gets what was tested whatever has been released since; then the package
  # itself, editable, without letting pip resolve anything again.
  local lock="requirements/$1.lock"
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$1"
  if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --require-hashes -r "$lock"
    "$VENV/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e .
    touch "$stamp"
  fi
}

system_packages_for_tests() {
  # Browser tests drive Debian's Chromium (Playwright's own browser download cannot work
  # offline); the store tests start a throwaway PostgreSQL server. Install them when we
  # may; the tests skip with a reason when they are absent.
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

cmd=${1:-app}
shift || true
case "$cmd" in
  app)
    setup app
    exec "$VENV/bin/screening" app "$@"
    ;;
  test)
    setup test
    system_packages_for_tests
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  score)
    setup app
    exec "$VENV/bin/screening" score "$@"
    ;;
  *)
    echo "usage: ./run.sh [app|test|score VIDEO...]" >&2
    exit 2
    ;;
esac
