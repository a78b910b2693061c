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


def test_the_readme_stays_short_enough_to_read_in_ten_minutes():
    """Under 250 lines: the two commands, what the tool does, how to film, the CLI, the app,
    batch scoring, accuracy in one table, and why each dependency is there. The research
    log lives in docs/."""
    lines = (ROOT / "README.md").read_text().splitlines()
    assert len(lines) < 250, len(lines)
    assert "./run.sh app" in "\n".join(lines[:20]) and "./run.sh test" in "\n".join(lines[:20])
