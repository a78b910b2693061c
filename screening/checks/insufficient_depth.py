"""Shallow depth: the thighs do not reach horizontal at the bottom.

Measure: the thigh's angle above horizontal (hip above knee is positive) at the deepest
frames of each rep. An absolute angle, not baseline-relative: "below parallel" is a fixed
target. Read from the side or obliquely; from the front the thigh points at the camera.
"""

from __future__ import annotations

import numpy as np

from screening.checks.base import (
    CheckResult,
    not_assessable,
    rep_findings,
    side_landmark,
    usable_sides,
)
from screening.context import Context
from screening.kinematics import angle_above_horizontal_deg, nanmedian, point
from screening.sequence import PoseSequence
from screening.settings import CheckSettings
from screening.vocabulary import Check

CODE = Check.INSUFFICIENT_DEPTH
UNITS = "deg"
PARTS = ("HIP", "KNEE")


def assess(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    sides = usable_sides(seq, ctx, PARTS, cfg.min_visibility)
    if not sides:
        return not_assessable(CODE, UNITS, "the hips and knees are not clearly visible")
    thigh = np.stack([angle_above_horizontal_deg(point(seq.image, side_landmark(s, "HIP")),
                                                 point(seq.image, side_landmark(s, "KNEE")))
                      for s in sides])
    angle = np.asarray(nanmedian(thigh, axis=0))
    # The deepest moment of each rep: the 10th percentile of the thigh angle within it.
    deepest = [float(np.nanpercentile(angle[r.start:r.end + 1], 10)) if
               np.isfinite(angle[r.start:r.end + 1]).any() else float("nan") for r in ctx.reps]
    landmarks = [side_landmark(s, p) for s in sides for p in PARTS]
    return rep_findings(CODE, UNITS, seq, ctx, cfg, {"both": angle}, {"both": deepest},
                        landmarks)
