"""What the tests of both patch networks (neck and feet) share: a clip through the real
pose model, a network reading a picture against itself, and a check on a mirrored take."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from screening.checks.base import CheckResult
from screening.core.codes import Check
from screening.core.patches import has_patch
from screening.core.settings import load_settings
from screening.engine.pipeline import analyse_pose, extract_pose
from screening.pose.model_file import resolve_model

from .builders import SAMPLES


def extracted(name: str):
    """(info, raw sequence, default settings) of a sample clip, through the real model."""
    settings = load_settings()
    info, raw = extract_pose(SAMPLES / name, resolve_model(), settings)
    return info, raw, settings


def largest_self_reading(
    patches: np.ndarray, network: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> float:
    """The largest |reading| of every 15th picture of one side compared with itself."""
    frames = np.flatnonzero(has_patch(patches))[::15]
    return float(np.max(np.abs([network(patches[[f]], patches[f])[0] for f in frames])))


def as_seen_and_mirrored(info, raw, settings, code: Check) -> tuple[CheckResult, CheckResult]:
    """One check's result on the take and on the take seen in a mirror."""

    def result(seq) -> CheckResult:
        return next(c for c in analyse_pose(info, seq, settings).checks if c.code is code)

    return result(raw), result(raw.mirrored())
