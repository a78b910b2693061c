"""The package type-checks: mypy, configured in pyproject.toml, finds nothing.

Runs the checker the lock file installs, so CI fails on a type error like on a failing
test. Slow the first time (about 20 s), quick with mypy's cache afterwards.
"""

from __future__ import annotations

import subprocess
import sys

from .builders import ROOT


def test_mypy_finds_no_type_error():
    run = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("Success: no issues found")
