"""Heels lifting: the heel rises while the toes stay down (an ankle-mobility sign).

Measure: how far the heel has risen above where it stood on the floor, in cm. Seen from the
side or obliquely; from the front the heel hides behind the foot.

The rise is read from pictures of each foot by a small network (screening.pose.heel_rise): one
picture from the squat, one from standing. The pose model's heel point is the fallback, for
sequences made without pictures: its vertical image travel, turned into cm with the standing
leg's image length over its true length. It is the weaker witness because the pose model
moves the whole foot when the heel lifts, toes included, and wobbles by 1-3 cm through a
clean deep squat (see README, "Heels").
"""

from __future__ import annotations

import numpy as np

from screening.checks.base import (
    SIDES,
    CheckResult,
    measure_sides,
    not_assessable,
    nothing_seen,
    px_per_m_series,
    rep_findings,
    rise_against_standing,
    side_landmark,
    usable_sides,
)
from screening.core.codes import Check
from screening.core.patches import has_patch
from screening.core.scene import Context
from screening.core.sequence import PoseSequence
from screening.core.settings import CheckSettings
from screening.pose.heel_rise import heel_rise_cm

CODE = Check.HEEL_LIFT
UNITS = "cm"
PARTS = ("HEEL", "FOOT_INDEX")
MAX_HEEL_RISE_CM = 15.0
"""Anatomy, not a cut-off to tune: an adult heel on full tiptoe is 10-13 cm off the floor.
A larger reading means the measurement broke (the camera moved or zoomed, or the video cuts
between shots mid-rep), so that rep is not judged."""


def assess(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    sides = usable_sides(seq, ctx, PARTS, cfg.min_visibility)
    if not sides:
        return not_assessable(CODE, UNITS, "the feet are not clearly visible")
    pictures = has_patch(seq.feet).any()
    scale = px_per_m_series(ctx, len(seq))

    def height_cm(s: str) -> np.ndarray:
        if pictures:
            return rise_against_standing(ctx, seq.feet[:, SIDES.index(s)], heel_rise_cm)
        return -seq.image[:, side_landmark(s, "HEEL"), 1] / scale * 100.0  # image y is down

    per_side, at_bottom = measure_sides(
        seq,
        ctx,
        sides,
        height_cm,
        parts=PARTS[:1],
        baseline_relative=not pictures,
        # A hidden heel point is a guess; a picture of the
        # foot still shows its outline and the floor.
        min_bottom_visibility=0.0 if pictures else cfg.min_bottom_visibility,
        min_visibility=cfg.min_visibility,
    )
    if nothing_seen(at_bottom):
        return not_assessable(
            CODE,
            UNITS,
            "the heels are hidden at the bottom of the squat "
            "or while standing (by the thighs, a shadow or the "
            "edge of the picture); film at knee height with "
            "the feet well lit and in the picture",
        )
    at_bottom = {
        s: [v if v <= MAX_HEEL_RISE_CM else float("nan") for v in values]
        for s, values in at_bottom.items()
    }
    if nothing_seen(at_bottom):
        return not_assessable(
            CODE,
            UNITS,
            "the heels seemed to rise more than a heel can "
            "(the camera moved, zoomed or the video cuts "
            "mid-squat); film from a fixed camera",
        )
    landmarks = [side_landmark(s, p) for s in sides for p in PARTS]
    return rep_findings(CODE, UNITS, seq, ctx, cfg, per_side, at_bottom, landmarks)
