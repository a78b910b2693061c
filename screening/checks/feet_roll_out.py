"""Feet rolling out: the foot tips onto its outer edge (supination) during the squat.

When a foot rolls out, it pivots about its outer edge and the ankle swings outward over
the sole. Measure: the ankle's outward shift relative to the middle of the foot (heel and
toes), minus standing, turned into an angle about the outer edge with the ankle's true
height above the sole. Seen from the front.
"""

from __future__ import annotations

import numpy as np

from screening.checks.base import (
    CheckResult,
    measure_sides,
    not_assessable,
    outward_sign,
    px_per_m_series,
    rep_findings,
    side_landmark,
    usable_sides,
)
from screening.context import Context
from screening.kinematics import distance, nanmedian, point
from screening.sequence import PoseSequence
from screening.settings import CheckSettings
from screening.vocabulary import Check

CODE = Check.FEET_ROLL_OUT
UNITS = "deg"
PARTS = ("ANKLE", "HEEL", "FOOT_INDEX")


def assess(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    sides = usable_sides(seq, ctx, PARTS, cfg.min_visibility)
    if not sides:
        return not_assessable(CODE, UNITS, "the feet are not clearly visible")
    scale = px_per_m_series(ctx, len(seq))
    stand = np.flatnonzero(ctx.standing)

    def roll_deg(s: str) -> np.ndarray:
        img, w = seq.image, seq.world
        ankle = point(img, side_landmark(s, "ANKLE"))
        sole = (point(img, side_landmark(s, "HEEL"))
                + point(img, side_landmark(s, "FOOT_INDEX"))) / 2.0
        lever_m = float(nanmedian(distance(point(w, side_landmark(s, "ANKLE")),
                                           point(w, side_landmark(s, "HEEL")))))
        outward_m = outward_sign(seq, s, stand) * (ankle[:, 0] - sole[:, 0]) / scale
        # Angle of the ankle about the sole; measure_sides makes it relative to standing.
        return np.degrees(np.arcsin(np.clip(outward_m / lever_m, -1, 1)))

    per_side, at_bottom = measure_sides(seq, ctx, sides, roll_deg)
    landmarks = [side_landmark(s, p) for s in sides for p in PARTS]
    return rep_findings(CODE, UNITS, seq, ctx, cfg, per_side, at_bottom, landmarks)
