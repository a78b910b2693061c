"""The code reads one way: `ruff check` (lint) and `ruff format` (layout) find nothing.

Both run with the versions the lock file installs and the settings in pyproject.toml, so a
newcomer's editor and CI agree.
"""

from __future__ import annotations

import subprocess
import sys

from .builders import ROOT


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_ruff_lint_is_clean():
    run = _ruff("check", ".")
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_format_leaves_every_file_as_it_is():
    run = _ruff("format", "--check", ".")
    assert run.returncode == 0, run.stdout + run.stderr
