"""Feet turning out during the descent (tight calves / lateral hamstring, NASM).

Measure: the outward angle of the foot axis (heel -> toes) seen from the front, from the
toes' sideways offset over the foot's length, minus the same at standing. The foot's length
is taken as FOOT_PER_LEG of the standing leg (anthropometric tables put the foot at 0.152
and the hip-to-ankle leg at about 0.49 of body height): MediaPipe's own 3-D foot is short
and would inflate the angle. Only the
change counts: some people stand with the feet a little turned out, and that is their
set-up, not a compensation.
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
from screening.core.codes import Check
from screening.core.kinematics import point
from screening.core.scene import Context, leg_length_m
from screening.core.sequence import PoseSequence
from screening.core.settings import CheckSettings

FOOT_PER_LEG = 0.31
CODE = Check.FEET_TURN_OUT
UNITS = "deg"
PARTS = ("HEEL", "FOOT_INDEX")


def assess(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    sides = usable_sides(seq, ctx, PARTS, cfg.min_visibility)
    if not sides:
        return not_assessable(CODE, UNITS, "the feet are not clearly visible")
    scale = px_per_m_series(ctx, len(seq))
    stand = np.flatnonzero(ctx.standing)
    foot_m = FOOT_PER_LEG * leg_length_m(seq, stand)

    def toe_out_deg(s: str) -> np.ndarray:
        heel = point(seq.image, side_landmark(s, "HEEL"))
        toe = point(seq.image, side_landmark(s, "FOOT_INDEX"))
        outward_px = outward_sign(seq, s, stand) * (toe[:, 0] - heel[:, 0])
        return np.degrees(np.arcsin(np.clip(outward_px / (foot_m * scale), -1.0, 1.0)))

    per_side, at_bottom = measure_sides(
        seq,
        ctx,
        sides,
        toe_out_deg,
        parts=PARTS,
        min_bottom_visibility=cfg.min_bottom_visibility,
        min_visibility=cfg.min_visibility,
    )
    landmarks = [side_landmark(s, p) for s in sides for p in PARTS]
    return rep_findings(CODE, UNITS, seq, ctx, cfg, per_side, at_bottom, landmarks)
