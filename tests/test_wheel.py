"""The package as a user installs it: a wheel in a fresh venv, outside the checkout.

Builds the wheel from a copy of the sources (so nothing left in the checkout's build
folders can slip in), installs it into a new venv without its dependencies (they come from
this environment's site-packages, listed in a .pth file: a path added that way does not run
the editable install's hook, so the checkout's `screening` cannot be imported), and then,
from a folder outside the checkout, scores a sample clip with the bundled model and starts
the app to a healthy answer.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import site
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .builders import ROOT, SAMPLES

pytestmark = pytest.mark.slow


def _copy_sources(to: Path) -> None:
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, to / name)
    shutil.copytree(
        ROOT / "screening",
        to / "screening",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "pose_landmarker_heavy.task*"),
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding only the wheel; returns its bin folder."""
    base = tmp_path_factory.mktemp("wheel")
    src, dist, venv = base / "src", base / "dist", base / "venv"
    src.mkdir()
    _copy_sources(src)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(dist),
            str(src),
        ],
        check=True,
        cwd=base,
    )
    (wheel,) = dist.glob("screening-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
    )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(purelib) / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return venv / "bin"


def test_the_wheel_holds_the_app_the_model_and_no_renderer(installed, tmp_path):
    where = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            "import importlib.util as u, screening, screening.app.server as s; "
            "from screening.pose.model_file import resolve_model; "
            "print(screening.__file__); print(s.MAIN_SCRIPT.is_file()); "
            "print(resolve_model().path.is_file()); print(u.find_spec('screening_synth'))",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.split()
    assert Path(where[0]).is_relative_to(installed.parent), where[0]
    assert where[1:] == ["True", "True", "None"]


def test_the_installed_wheel_scores_a_sample_clip_quietly(installed, tmp_path):
    clip = SAMPLES / "deep_squat__front__clean.mp4"
    run = subprocess.run(
        [str(installed / "screening"), "score", str(clip), "--out", "records.jsonl"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == "", run.stderr  # no native log lines, no warnings
    (record,) = [json.loads(line) for line in (tmp_path / "records.jsonl").open()]
    assert record["ok"] is True
    assert record["movement"] == "deep_squat" and record["view"] == "front"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_installed_wheel_serves_the_app(installed, tmp_path):
    port = _free_port()
    proc = subprocess.Popen(
        [str(installed / "screening"), "app", "--headless", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline, status = time.monotonic() + 90, None
        while status != 200:
            assert proc.poll() is None, proc.stdout.read().decode()
            assert time.monotonic() < deadline, "the app did not answer in 90 s"
            time.sleep(1)
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r,
            ):
                status = r.status
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert page.status == 200 and b"<html" in page.read().lower()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
