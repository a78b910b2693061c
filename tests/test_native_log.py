"""The pose model's native log lines stay off stderr, and nothing else is lost.

Each case runs in a fresh interpreter: routing fd 2 is a once-per-process change that must
not leak into pytest's own capture.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from screening.pose.native_log import native_level

CLIP = Path(__file__).resolve().parent.parent / "sample_videos" / "deep_squat__front__clean.mp4"


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    ("line", "level"),
    [
        (
            "INFO: [accelerator_registry.cc:43] DestroyAccelerator: ptr=0x7f, name=CpuAccelerator",
            logging.DEBUG,
        ),
        (
            "WARNING: [model_load.cc:402] Sparsity tensors may not yet be fully supported.",
            logging.DEBUG,
        ),
        (
            "W0000 00:00:1733410000.123456 4242 inference_feedback_manager.cc:114] "
            "Feedback manager",
            logging.DEBUG,
        ),
        (
            "E0000 00:00:1733410000.123456 4242 calculator_graph.cc:12] graph failed",
            logging.WARNING,
        ),
        ("ERROR: something native broke", logging.WARNING),
        ("screening: error: no such file", None),
        ("Traceback (most recent call last):", None),
        ("INFO - not a native prefix", None),
    ],
)
def test_native_lines_are_recognised_and_others_are_not(line, level):
    assert native_level(line) == level


def test_native_lines_on_fd2_are_dropped_and_everything_else_passes():
    result = _run("""
        import os, sys
        from screening.pose.native_log import route_native_stderr
        route_native_stderr()
        route_native_stderr()  # a second call changes nothing
        os.write(2, b"INFO: [accelerator_registry.cc:43] DestroyAccelerator: ptr=0x1\\n")
        os.write(2, b"I0000 00:00:1733410000.1 42 gl_context.cc:1] hello\\n")
        os.write(2, b"a child process's own line\\n")
        print("python's own line", file=sys.stderr)
        """)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert sorted(lines) == ["a child process's own line", "python's own line"]


def test_two_threads_opening_and_closing_models_leave_stderr_clean_and_working():
    """The old per-call fd-2 redirect, interleaved by two threads, could silence stderr for
    good; the router is installed once, so neither can happen."""
    result = _run(f"""
        import os, sys, threading
        import cv2
        from screening.pose.native_log import route_native_stderr
        route_native_stderr()
        from screening.pose.model_file import resolve_model
        from screening.pose.estimator import PoseEstimator
        from screening.core.settings import load_settings

        model, settings = resolve_model(None), load_settings().pose
        cap = cv2.VideoCapture({str(CLIP)!r})
        cap.set(cv2.CAP_PROP_POS_FRAMES, 20)
        ok, bgr = cap.read()
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        found = []

        def work():
            for i in range(3):
                with PoseEstimator(model, settings) as est:
                    found.append(est.estimate(rgb, 0.04 * i) is not None)

        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print("found", sum(found), "of", len(found))
        os.write(2, b"fd 2 still reaches the terminal\\n")
        print("and so does sys.stderr", file=sys.stderr)
        """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "found 6 of 6"
    assert sorted(result.stderr.splitlines()) == [
        "and so does sys.stderr",
        "fd 2 still reaches the terminal",
    ]


def test_verbose_shows_the_native_lines_through_logging():
    result = subprocess.run(
        [sys.executable, "-m", "screening", "--verbose", "score", str(CLIP), "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert any(line.startswith("screening.native: ") for line in result.stderr.splitlines())
