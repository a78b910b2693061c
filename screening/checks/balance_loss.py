"""Loss of balance in the lunge: the pelvis sways side to side over the feet.

Measure: the peak-to-peak sideways movement of the pelvis centre over the feet during a
rep, in cm, after removing the part that follows the up-down movement (seen obliquely, the
pelvis's normal forward-back travel would otherwise look like sway). Seen from the front
or obliquely.
"""

from __future__ import annotations

import numpy as np

from screening.checks.base import (
    CheckResult,
    not_assessable,
    outward_sign,
    px_per_m_series,
    rep_findings,
    usable_sides,
)
from screening.core.codes import Check
from screening.core.kinematics import midpoint
from screening.core.landmarks import Landmark as L
from screening.core.scene import Context
from screening.core.sequence import PoseSequence
from screening.core.settings import CheckSettings

CODE = Check.BALANCE_LOSS
UNITS = "cm"
LANDMARKS = [L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_ANKLE, L.RIGHT_ANKLE]


def pelvis_sideways_cm(seq: PoseSequence, ctx: Context) -> np.ndarray:
    """(T,) pelvis centre minus feet centre across the picture, in cm, positive toward the
    person's left. In the picture, not along the body's left-right line as the squat's
    shift is: in a lunge the feet are a stride apart, so the line through them is not the
    body's left-right line."""
    toward_left = outward_sign(seq, "left", np.flatnonzero(ctx.standing))
    pelvis = midpoint(seq.image, L.LEFT_HIP, L.RIGHT_HIP)[:, 0]
    feet = midpoint(seq.image, L.LEFT_ANKLE, L.RIGHT_ANKLE)[:, 0]
    return toward_left * (pelvis - feet) / px_per_m_series(ctx, len(seq)) * 100.0


def sway_residual_cm(lateral_cm: np.ndarray, drop: np.ndarray) -> np.ndarray:
    """Lateral position minus its best linear fit on the hip drop (the depth-driven part)."""
    ok = np.isfinite(lateral_cm) & np.isfinite(drop)
    out = np.full_like(lateral_cm, np.nan)
    if ok.sum() < 3:
        return out
    design = np.stack([np.ones(ok.sum()), drop[ok]], axis=1)
    coef, *_ = np.linalg.lstsq(design, lateral_cm[ok], rcond=None)
    out[ok] = lateral_cm[ok] - design @ coef
    return out


def assess(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    if len(usable_sides(seq, ctx, ("HIP", "ANKLE"), cfg.min_visibility)) < 2:
        return not_assessable(CODE, UNITS, "both hips and feet must be visible")
    lateral = pelvis_sideways_cm(seq, ctx)
    drop = ctx.drop
    series = np.full(len(seq), np.nan)
    values = []
    for rep in ctx.reps:
        window = slice(rep.start, rep.end + 1)
        resid = sway_residual_cm(lateral[window], drop[window])
        series[window] = np.abs(resid - np.nanmedian(resid)) * 2.0
        values.append(
            float(np.nanmax(resid) - np.nanmin(resid)) if np.isfinite(resid).any() else float("nan")
        )
    return rep_findings(CODE, UNITS, seq, ctx, cfg, {"none": series}, {"none": values}, LANDMARKS)
