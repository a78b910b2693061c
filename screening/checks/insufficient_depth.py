"""Shallow depth: the thighs do not reach horizontal at the bottom.

Measure: the thigh's angle above horizontal (hip above knee is positive) at the deepest
frames of each rep. An absolute angle, not baseline-relative: "below parallel" is a fixed
target. It is measured in MediaPipe's 3-D world landmarks against the body's own vertical
(the standing ankle-to-hip direction), because in the image a thigh pointing partly toward
an oblique, raised camera looks steeper than it is, and a tilted camera tilts every angle.
Read from the side or obliquely; from the front the thigh points at the camera.
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
from screening.kinematics import midpoint, nanmedian, point
from screening.landmarks import Landmark as L
from screening.sequence import PoseSequence
from screening.settings import CheckSettings
from screening.vocabulary import Check

CODE = Check.INSUFFICIENT_DEPTH
UNITS = "deg"
PARTS = ("HIP", "KNEE")


def body_up(seq: PoseSequence, standing: np.ndarray) -> np.ndarray:
    """Unit vector of the body's vertical in world coordinates: ankles to hips, standing."""
    w = seq.world[standing]
    d = nanmedian(midpoint(w, L.LEFT_HIP, L.RIGHT_HIP) - midpoint(w, L.LEFT_ANKLE,
                                                                    L.RIGHT_ANKLE), axis=0)
    return np.asarray(d) / np.linalg.norm(d)


def thigh_above_horizontal_deg(hip: np.ndarray, knee: np.ndarray, up: np.ndarray
                               ) -> np.ndarray:
    """(T,) angle of the thigh above horizontal: + hip above knee, - hip below knee."""
    d = hip - knee
    vertical = d @ up
    horizontal = np.linalg.norm(d - np.outer(vertical, up), axis=1)
    return np.degrees(np.arctan2(vertical, horizontal))


def assess(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    sides = usable_sides(seq, ctx, PARTS, cfg.min_visibility)
    if not sides:
        return not_assessable(CODE, UNITS, "the hips and knees are not clearly visible")
    up = body_up(seq, np.flatnonzero(ctx.standing))
    thigh = np.stack([thigh_above_horizontal_deg(point(seq.world, side_landmark(s, "HIP")),
                                                 point(seq.world, side_landmark(s, "KNEE")), up)
                      for s in sides])
    angle = np.asarray(nanmedian(thigh, axis=0))
    # The deepest moment of each rep: the 10th percentile of the thigh angle within it.
    deepest = [float(np.nanpercentile(angle[r.start:r.end + 1], 10)) if
               np.isfinite(angle[r.start:r.end + 1]).any() else float("nan") for r in ctx.reps]
    landmarks = [side_landmark(s, p) for s in sides for p in PARTS]
    return rep_findings(CODE, UNITS, seq, ctx, cfg, {"both": angle}, {"both": deepest},
                        landmarks)
