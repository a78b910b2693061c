"""Shoulders shrugging toward the ears (overactive upper trapezius, NASM).

Measure: the shrinking of the ear-to-shoulder gap from standing to the bottom, in cm.
The 3-D distance from MediaPipe's world landmarks is used, so that the trunk leaning toward
a front camera (which shortens every vertical distance in the image) is not read as a
shrug. Seen from the front, where both shoulders and ears are visible.
"""

from __future__ import annotations

import numpy as np

from screening.checks.base import (
    CheckResult,
    measure_sides,
    not_assessable,
    rep_findings,
    side_landmark,
    usable_sides,
)
from screening.context import Context
from screening.kinematics import distance, point
from screening.sequence import PoseSequence
from screening.settings import CheckSettings
from screening.vocabulary import Check

CODE = Check.SHOULDER_ELEVATION
UNITS = "cm"
PARTS = ("EAR", "SHOULDER")


def assess(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    sides = usable_sides(seq, ctx, PARTS, cfg.min_visibility)
    if not sides:
        return not_assessable(CODE, UNITS, "the head and shoulders are not clearly visible")

    def closing_gap_cm(s: str) -> np.ndarray:
        """Minus the ear-shoulder distance: grows as the shoulder rises toward the ear."""
        return -distance(point(seq.world, side_landmark(s, "EAR")),
                         point(seq.world, side_landmark(s, "SHOULDER"))) * 100.0

    per_side, at_bottom = measure_sides(seq, ctx, sides, closing_gap_cm, parts=PARTS,
                                        min_bottom_visibility=cfg.min_bottom_visibility,
                                        min_visibility=cfg.min_visibility)
    landmarks = [side_landmark(s, p) for s in sides for p in PARTS]
    return rep_findings(CODE, UNITS, seq, ctx, cfg, per_side, at_bottom, landmarks)
