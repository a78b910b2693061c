"""Shoulders shrugging toward the ears (overactive upper trapezius, NASM).

Measure: how far the shoulder has risen toward the ear at the bottom, compared with the
standing frames before the rep, in cm. The pose model's shoulder points do not follow a
shrug (they sit on the arm), so the rise is read from pictures of each side of the neck by
a small network (screening.pose.shoulder_rise): one picture from the squat, one from standing.
Seen from the front, where both sides of the neck are visible.
"""

from __future__ import annotations

import numpy as np

from screening.checks.base import (
    SIDES,
    CheckResult,
    measure_sides,
    not_assessable,
    nothing_seen,
    rep_findings,
    rise_against_standing,
    side_landmark,
    usable_sides,
)
from screening.core.codes import Check
from screening.core.scene import Context
from screening.core.sequence import PoseSequence
from screening.core.settings import CheckSettings
from screening.pose.shoulder_rise import shoulder_rise_cm

CODE = Check.SHOULDER_ELEVATION
UNITS = "cm"
PARTS = ("EAR", "SHOULDER")


def assess(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    sides = usable_sides(seq, ctx, PARTS, cfg.min_visibility)
    if not sides:
        return not_assessable(CODE, UNITS, "the head and shoulders are not clearly visible")

    def rise_cm(s: str) -> np.ndarray:
        return rise_against_standing(ctx, seq.neck[:, SIDES.index(s)], shoulder_rise_cm)

    per_side, at_bottom = measure_sides(
        seq,
        ctx,
        sides,
        rise_cm,
        baseline_relative=False,
        parts=PARTS,
        min_visibility=cfg.min_visibility,
        min_bottom_visibility=cfg.min_bottom_visibility,
    )
    if nothing_seen(at_bottom):
        return not_assessable(
            CODE,
            UNITS,
            "no picture of the neck could be taken (a live "
            "take without frames, or the person too small "
            "in the picture)",
        )
    landmarks = [side_landmark(s, p) for s in sides for p in PARTS]
    return rep_findings(CODE, UNITS, seq, ctx, cfg, per_side, at_bottom, landmarks)
