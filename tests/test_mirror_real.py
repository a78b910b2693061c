"""Mirror a real clip left to right: the same findings come back with the sides swapped.

A measure that means something in the body cannot care which way the person faces or which
side of the picture the camera sees; one that fits a camera might. Real recordings from
../shared/real_videos (skipped when absent), each written twice with the same codec, once
flipped, and screened by the real model.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest

from screening.core.settings import load_settings
from screening.engine.pipeline import analyse
from screening.pose.model_file import resolve_model

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real_videos"
CLIPS = [
    "pooja140703__squats__squats.mp4",  # side view, a forward lean found
    "khammingfatt__project-5-ai-enhance-squat-form__Squat_Too_Deep.mp4",  # side, borderline
    "Apurvo2004__videos__squats.mp4",
]  # front view, six reps
SWAP = {"left": "right", "right": "left", "side_left": "side_right", "side_right": "side_left"}

pytestmark = pytest.mark.slow


def _write(src: Path, dst: Path, flip: bool) -> None:
    cap = cv2.VideoCapture(str(src))
    fps, out = cap.get(cv2.CAP_PROP_FPS), None
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frame = cv2.flip(frame, 1) if flip else frame
        if out is None:
            size = (frame.shape[1], frame.shape[0])
            out = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
        out.write(frame)
    cap.release()
    assert out is not None
    out.release()


def _said(analysis, mirrored: bool) -> dict:
    swap = (lambda s: SWAP.get(s, s)) if mirrored else (lambda s: s)
    return {
        "view": swap(analysis.context.view.value),
        "reps": len(analysis.context.reps),
        "found": {
            c.code.value: sorted({swap(f.side) for f in c.findings})
            for c in analysis.checks
            if c.findings
        },
        "borderline": sorted(c.code.value for c in analysis.checks if c.borderline),
    }


@pytest.mark.parametrize("name", CLIPS)
def test_a_mirrored_real_clip_gets_the_same_findings_with_sides_swapped(name, tmp_path):
    if not (REAL / name).exists():
        pytest.skip(f"no real recording {name} in {REAL}")
    model, settings = resolve_model(), load_settings()
    _write(REAL / name, tmp_path / "as_filmed.mp4", flip=False)
    _write(REAL / name, tmp_path / "mirrored.mp4", flip=True)
    original = _said(analyse(tmp_path / "as_filmed.mp4", model, settings), mirrored=False)
    mirrored = _said(analyse(tmp_path / "mirrored.mp4", model, settings), mirrored=True)
    assert original["reps"] > 0
    assert mirrored == original
