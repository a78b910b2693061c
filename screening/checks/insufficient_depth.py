"""Shallow depth: the thighs do not reach horizontal at the bottom.

Measure: the thigh's angle above level (hip above knee is positive) at the deepest frames
of each rep. An absolute angle, not baseline-relative: "below parallel" is a fixed target.
It is measured against the floor, not the picture: on the lifted landmarks (image x, y
with the pose model's depth) and against the true vertical at the thigh's row, which the
standing feet give (screening.core.floor). Read from the side or obliquely; from the front the
thigh points at the camera.
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
from screening.core.codes import Check
from screening.core.floor import depth_scaled, doubt, lifted, vertical
from screening.core.kinematics import nanmedian, point
from screening.core.scene import Context
from screening.core.sequence import PoseSequence
from screening.core.settings import CheckSettings

CODE = Check.INSUFFICIENT_DEPTH
UNITS = "deg"
PARTS = ("HIP", "KNEE")


def thigh_above_horizontal_deg(hip: np.ndarray, knee: np.ndarray, up: np.ndarray) -> np.ndarray:
    """(T,) angle of the thigh above level: + hip above knee, - hip below knee.

    up: (3,) or (T, 3) unit vertical in the points' coordinates.
    """
    d = hip - knee
    up = np.broadcast_to(up, d.shape)
    rise = np.sum(d * up, axis=-1)
    level = np.linalg.norm(d - rise[:, None] * up, axis=-1)
    return np.degrees(np.arctan2(rise, level))


def assess(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    sides = usable_sides(seq, ctx, PARTS, cfg.min_visibility)
    if not sides:
        return not_assessable(CODE, UNITS, "the hips and knees are not clearly visible")
    points = lifted(seq, ctx)
    angle = thigh_angle(seq, ctx, points, sides)
    deepest = deepest_per_rep(angle, ctx)
    # The same with the depth guess stretched and shrunk: how far it could move the value.
    alternates = [
        deepest_per_rep(thigh_angle(seq, ctx, p, sides), ctx) for p in depth_scaled(points)
    ]
    landmarks = [side_landmark(s, p) for s in sides for p in PARTS]
    return rep_findings(
        CODE,
        UNITS,
        seq,
        ctx,
        cfg,
        {"both": angle},
        {"both": deepest},
        landmarks,
        rep_doubt={"both": doubt(deepest, alternates)},
    )


def thigh_angle(
    seq: PoseSequence, ctx: Context, points: np.ndarray, sides: list[str]
) -> np.ndarray:
    """(T,) thigh angle above level on lifted points, the median over the visible sides."""
    per_side = []
    for s in sides:
        hip, knee = point(points, side_landmark(s, "HIP")), point(points, side_landmark(s, "KNEE"))
        up = vertical(seq, ctx, points, (hip[:, 1] + knee[:, 1]) / 2.0)
        per_side.append(thigh_above_horizontal_deg(hip, knee, up))
    return np.asarray(nanmedian(np.stack(per_side), axis=0))


def deepest_per_rep(angle: np.ndarray, ctx: Context) -> list[float]:
    """The deepest moment of each rep: the 10th percentile of the thigh angle within it."""
    return [
        float(np.nanpercentile(angle[r.start : r.end + 1], 10))
        if np.isfinite(angle[r.start : r.end + 1]).any()
        else float("nan")
        for r in ctx.reps
    ]
