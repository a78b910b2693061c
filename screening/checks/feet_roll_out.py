"""Feet rolling out: the foot tips onto its outer edge (supination) during the squat.

When a foot rolls out it pivots about its outer edge, which stays on the floor, and the
ankle swings outward over it by the ankle's height times the sine of the roll. Measure:
the ankle's outward travel in the image from where it stood (cm, scaled by the standing
leg), turned into that angle with an ankle height of ANKLE_PER_LEG of the standing leg
(anthropometric tables put the ankle at 0.039 and the hip-to-ankle leg at about 0.49 of
body height). The ankle is read against the floor rather than against the heel and toe
points, because the pose model carries those along with the rolling foot. Seen from the
front; a foot that also turns out, or that the pelvis shifts over, is judged by the
turn-out or shift check instead (see `run_checks`).

Why a roll is never more than borderline: the ankle point is not the ankle. On real people
squatting cleanly it travels sideways by as much as a real roll would move the ankle
(clean real squats read 23-49 degrees, ANKLE_POINT_ERROR_M below), while published
eversion and inversion in squats is 4-11 degrees. So every reading carries that error in
its uncertainty, and `run_checks` reports a roll read from it as borderline: worth a look
at the feet, never a finding that changes the score or the route.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from screening.checks.base import (
    CheckResult,
    Finding,
    measure_sides,
    not_assessable,
    outward_sign,
    px_per_m_series,
    relative_series,
    rep_findings,
    side_landmark,
    unseen,
    usable_sides,
)
from screening.core.codes import Check
from screening.core.scene import Context, leg_length_m
from screening.core.sequence import PoseSequence
from screening.core.settings import CheckSettings

ANKLE_PER_LEG = 0.08
ANKLE_POINT_ERROR_M = 0.04
"""How far the pose model's ankle point can travel sideways on a real person's clean squat
(3-5.5 cm: what 23-49 degree readings on clean real squats mean at a 7 cm ankle height),
as large as a real roll moves the ankle."""
CODE = Check.FEET_ROLL_OUT
UNITS = "deg"
PARTS = ("ANKLE", "HEEL", "FOOT_INDEX")


def assess(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    sides = usable_sides(seq, ctx, PARTS, cfg.min_visibility)
    if not sides:
        return not_assessable(CODE, UNITS, "the feet are not clearly visible")
    scale = px_per_m_series(ctx, len(seq))
    stand = np.flatnonzero(ctx.standing)
    ankle_height_m = ANKLE_PER_LEG * leg_length_m(seq, stand)

    def roll_deg(s: str) -> np.ndarray:
        ankle_x_m = outward_sign(seq, s, stand) * seq.image[:, side_landmark(s, "ANKLE"), 0] / scale
        # Unseen feet are left out here, before the standing baseline is taken from them.
        ankle_x_m[unseen(seq, s, PARTS, cfg.min_visibility)] = np.nan
        travel_m = relative_series(ctx, ankle_x_m)
        return np.degrees(np.arcsin(np.clip(travel_m / ankle_height_m, -1.0, 1.0)))

    per_side, at_bottom = measure_sides(
        seq,
        ctx,
        sides,
        roll_deg,
        baseline_relative=False,
        parts=PARTS,
        min_bottom_visibility=cfg.min_bottom_visibility,
    )
    landmarks = [side_landmark(s, p) for s in sides for p in PARTS]
    result = rep_findings(CODE, UNITS, seq, ctx, cfg, per_side, at_bottom, landmarks)
    error_deg = float(np.degrees(np.arcsin(min(1.0, ANKLE_POINT_ERROR_M / ankle_height_m))))
    result.findings = [with_error(f, error_deg) for f in result.findings]
    result.borderline = [with_error(f, error_deg) for f in result.borderline]
    return result


def with_error(finding: Finding, error: float) -> Finding:
    """`finding` with the ankle point's own error added to its uncertainty."""
    return replace(finding, uncertainty=float(np.hypot(finding.uncertainty, error)))
