"""Knees caving in: at the bottom the knee is no longer over the foot but inside it.

FMS and NASM ask for the knees to track over the feet (the second toe). Measure: how far
the knee sits inside (toward the midline of) the toes at the bottom, as an angle over the
standing shin length. A knee that travels out over turned-out toes reads about 0; one that
stays over the ankle while the toes point out, or collapses inward, reads positive. Using
the standing shin length keeps the shin's tilt toward a front camera from inflating the
angle. In a lunge only the front knee is judged. Seen from the front.
"""

from __future__ import annotations

import numpy as np

from screening.checks.base import (
    CheckResult,
    baseline_value,
    measure_sides,
    not_assessable,
    outward_sign,
    rep_findings,
    side_landmark,
    usable_sides,
)
from screening.core.codes import Check
from screening.core.kinematics import distance, point
from screening.core.scene import Context
from screening.core.sequence import PoseSequence
from screening.core.settings import CheckSettings

CODE = Check.KNEE_VALGUS
UNITS = "deg"
PARTS = ("HIP", "KNEE", "ANKLE", "FOOT_INDEX")


def inward_knee_deg(seq: PoseSequence, ctx: Context, side: str) -> np.ndarray:
    """(T,) angle of the knee's position inside the toes, per the standing shin length."""
    knee = point(seq.image, side_landmark(side, "KNEE"))
    ankle = point(seq.image, side_landmark(side, "ANKLE"))
    toes = point(seq.image, side_landmark(side, "FOOT_INDEX"))
    stand = np.flatnonzero(ctx.standing)
    shin_px = baseline_value(distance(knee[:, :2], ankle[:, :2]), stand)
    inward = -outward_sign(seq, side, stand) * (knee[:, 0] - toes[:, 0])
    return np.degrees(np.arcsin(np.clip(inward / shin_px, -1.0, 1.0)))


def assess(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    sides = usable_sides(seq, ctx, PARTS, cfg.min_visibility)
    if ctx.lead_side is not None:
        sides = [s for s in sides if s == ctx.lead_side]
    if not sides:
        return not_assessable(CODE, UNITS, "the legs are not clearly visible")
    per_side, at_bottom = measure_sides(
        seq,
        ctx,
        sides,
        lambda s: inward_knee_deg(seq, ctx, s),
        baseline_relative=False,
        parts=PARTS,
        min_bottom_visibility=cfg.min_bottom_visibility,
        min_visibility=cfg.min_visibility,
    )
    landmarks = [side_landmark(s, p) for s in sides for p in PARTS]
    return rep_findings(CODE, UNITS, seq, ctx, cfg, per_side, at_bottom, landmarks)
