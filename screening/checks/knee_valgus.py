"""Knees caving in: at the bottom the knee moves inward, no longer over the foot.

Measure: the knee's inward (toward the midline) shift relative to the ankle, as an angle
over the standing shin length, minus the same at standing. Using the standing shin length
rather than the current one keeps the forward tilt of the shin (toward a front camera)
from inflating the angle. In a lunge only the front knee is judged. Seen from the front.
"""

from __future__ import annotations

import numpy as np

from screening.checks.base import (
    CheckResult,
    baseline_value,
    not_assessable,
    outward_sign,
    relative_series,
    rep_findings,
    side_landmark,
    usable_sides,
    values_at_bottoms,
)
from screening.context import Context
from screening.kinematics import distance, point
from screening.sequence import PoseSequence
from screening.settings import CheckSettings
from screening.vocabulary import Check

CODE = Check.KNEE_VALGUS
UNITS = "deg"
PARTS = ("HIP", "KNEE", "ANKLE")


def inward_knee_deg(seq: PoseSequence, ctx: Context, side: str) -> np.ndarray:
    """(T,) angle of the knee's inward shift over the ankle, per the standing shin length."""
    knee = point(seq.image, side_landmark(side, "KNEE"))
    ankle = point(seq.image, side_landmark(side, "ANKLE"))
    stand = np.flatnonzero(ctx.standing)
    shin_px = baseline_value(distance(knee[:, :2], ankle[:, :2]), stand)
    inward = -outward_sign(seq, side, stand) * (knee[:, 0] - ankle[:, 0])
    return np.degrees(np.arcsin(np.clip(inward / shin_px, -1.0, 1.0)))


def assess(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    sides = usable_sides(seq, ctx, PARTS, cfg.min_visibility)
    if ctx.lead_side is not None:
        sides = [s for s in sides if s == ctx.lead_side]
    if not sides:
        return not_assessable(CODE, UNITS, "the legs are not clearly visible")
    per_side, at_bottom = {}, {}
    for s in sides:
        angle = inward_knee_deg(seq, ctx, s)
        per_side[s] = relative_series(ctx, angle)
        at_bottom[s] = values_at_bottoms(seq, ctx, angle)
    landmarks = [side_landmark(s, p) for s in sides for p in PARTS]
    return rep_findings(CODE, UNITS, seq, ctx, cfg, per_side, at_bottom, landmarks)
