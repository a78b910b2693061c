"""The pelvis shifting to one side at the bottom of the squat.

Measure: the position of the middle of the pelvis over the middle of the feet along the
body's own left-right line, minus standing, in cm. The finding's side is the side the
pelvis moves toward. Seen from the front.

Why along the body's line and in 3-D: in a squat the hips travel 20-30 cm backward, and a
camera turned 15 degrees from the front sees a quarter of that as sideways travel in the
picture (our widened rendered set: clean squats read 3-5 cm and a knee collapse 8 cm of
"shift" from 15-19 degrees off the front). On the lifted points (screening.core.floor) the
left-right line is the level line through the standing ankles and hips, and backward
travel is measured along it only as far as the depth guess is off; that part is counted
in each rep's uncertainty, so a view the depth cannot settle gives borderline, not a fault.
"""

from __future__ import annotations

import numpy as np

from screening.checks.base import (
    CheckResult,
    not_assessable,
    px_per_m_series,
    rep_findings,
    rep_segments,
    usable_sides,
    values_at_bottoms,
)
from screening.core.codes import Check
from screening.core.floor import depth_scaled, doubt, lifted, toward_left, vertical
from screening.core.kinematics import midpoint, nanmedian
from screening.core.landmarks import Landmark as L
from screening.core.scene import Context
from screening.core.sequence import PoseSequence
from screening.core.settings import CheckSettings

CODE = Check.ASYMMETRIC_SHIFT
UNITS = "cm"
LANDMARKS = [L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_ANKLE, L.RIGHT_ANKLE]


def pelvis_over_feet_cm(seq: PoseSequence, ctx: Context, points: np.ndarray) -> np.ndarray:
    """(T,) pelvis centre over the feet centre along the body's left-right line, relative to
    the standing before each frame's rep, in cm; positive toward the person's left."""
    up = vertical(seq, ctx, points, midpoint(seq.image, L.LEFT_HIP, L.RIGHT_HIP)[:, 1])
    offset = midpoint(points, L.LEFT_HIP, L.RIGHT_HIP) - midpoint(
        points, L.LEFT_ANKLE, L.RIGHT_ANKLE
    )
    out = np.full(len(seq), np.nan)
    for part, base in rep_segments(ctx, len(seq)):
        along = offset @ toward_left(points, up, base.frames)
        out[part] = along[part] - float(nanmedian(along[base.frames]))
    return out / px_per_m_series(ctx, len(seq)) * 100.0


def assess(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    if len(usable_sides(seq, ctx, ("HIP", "ANKLE"), cfg.min_visibility)) < 2:
        return not_assessable(CODE, UNITS, "both hips and feet must be visible")
    points = lifted(seq, ctx)
    shift = pelvis_over_feet_cm(seq, ctx, points)
    values = values_at_bottoms(seq, ctx, shift, baseline_relative=False)
    # The same with the depth guess stretched and shrunk: how far it could move the value.
    alternates = [
        values_at_bottoms(seq, ctx, pelvis_over_feet_cm(seq, ctx, p), baseline_relative=False)
        for p in depth_scaled(points)
    ]
    spread = doubt(values, alternates)
    # Report each direction as its own "side" so the finding says which way it went.
    per_side = {"left": shift, "right": -shift}
    at_bottom = {"left": values, "right": [-v for v in values]}
    return rep_findings(
        CODE,
        UNITS,
        seq,
        ctx,
        cfg,
        per_side,
        at_bottom,
        LANDMARKS,
        rep_doubt={"left": spread, "right": spread},
    )
