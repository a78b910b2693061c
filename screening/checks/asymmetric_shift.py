"""The pelvis shifting to one side at the bottom of the squat.

Measure: the sideways position of the middle of the pelvis relative to the middle of the
feet, minus standing, in cm. The finding's side is the side the pelvis moves toward.
Seen from the front.
"""

from __future__ import annotations

import numpy as np

from screening.checks.base import (
    CheckResult,
    not_assessable,
    outward_sign,
    px_per_m_series,
    relative_series,
    rep_findings,
    usable_sides,
    values_at_bottoms,
)
from screening.context import Context
from screening.kinematics import midpoint
from screening.landmarks import Landmark as L
from screening.sequence import PoseSequence
from screening.settings import CheckSettings
from screening.vocabulary import Check

CODE = Check.ASYMMETRIC_SHIFT
UNITS = "cm"
LANDMARKS = [L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_ANKLE, L.RIGHT_ANKLE]


def pelvis_over_feet_cm(seq: PoseSequence, ctx: Context) -> np.ndarray:
    """(T,) pelvis centre minus feet centre, in cm, positive toward the person's left."""
    toward_left = outward_sign(seq, "left", np.flatnonzero(ctx.standing))
    pelvis = midpoint(seq.image, L.LEFT_HIP, L.RIGHT_HIP)[:, 0]
    feet = midpoint(seq.image, L.LEFT_ANKLE, L.RIGHT_ANKLE)[:, 0]
    return toward_left * (pelvis - feet) / px_per_m_series(ctx, len(seq)) * 100.0


def assess(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    if len(usable_sides(seq, ctx, ("HIP", "ANKLE"), cfg.min_visibility)) < 2:
        return not_assessable(CODE, UNITS, "both hips and feet must be visible")
    shift = pelvis_over_feet_cm(seq, ctx)
    rel = relative_series(ctx, shift)
    values = values_at_bottoms(seq, ctx, shift)
    # Report each direction as its own "side" so the finding says which way it went.
    per_side = {"left": rel, "right": -rel}
    at_bottom = {"left": values, "right": [-v for v in values]}
    return rep_findings(CODE, UNITS, seq, ctx, cfg, per_side, at_bottom, LANDMARKS)
