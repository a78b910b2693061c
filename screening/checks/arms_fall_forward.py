"""Arms falling forward in the overhead squat (tight lats / chest, stiff upper back).

Judged as NASM does, against the trunk: the arms should stay in line with the trunk,
whatever the trunk does. FMS's "dowel over the feet" is judged against the floor instead,
and fails whenever the trunk leans forward, which the forward-lean check already reports;
judging the arms that way too would count one fault twice and send a person whose arms are
fine to shoulder work. Measure: how far the arm (shoulder -> wrist) tilts forward of the
trunk's line (hip -> shoulder, same side) at the bottom, signed toward where the person
faces: arms in line with the trunk read 0, arms behind its line read negative. Both lines
are read in the picture, so the trunk's own lean cancels. Seen from the side.
"""

from __future__ import annotations

import numpy as np

from screening.checks.base import (
    CheckResult,
    measure_sides,
    not_assessable,
    rep_findings,
    side_landmark,
    usable_sides,
)
from screening.core.codes import Check
from screening.core.kinematics import forward_angle_deg, point
from screening.core.scene import Context
from screening.core.sequence import PoseSequence
from screening.core.settings import CheckSettings

CODE = Check.ARMS_FALL_FORWARD
UNITS = "deg"
PARTS = ("SHOULDER", "WRIST", "HIP")


def assess(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    sides = usable_sides(seq, ctx, PARTS, cfg.min_visibility)
    if not sides:
        return not_assessable(CODE, UNITS, "the arms are not clearly visible")

    def arm_forward_deg(s: str) -> np.ndarray:
        shoulder = point(seq.image, side_landmark(s, "SHOULDER"))
        arm = forward_angle_deg(
            shoulder, point(seq.image, side_landmark(s, "WRIST")), ctx.facing_sign
        )
        trunk = forward_angle_deg(
            point(seq.image, side_landmark(s, "HIP")), shoulder, ctx.facing_sign
        )
        return arm - trunk

    per_side, at_bottom = measure_sides(
        seq,
        ctx,
        sides,
        arm_forward_deg,
        baseline_relative=False,
        parts=PARTS,
        min_bottom_visibility=cfg.min_bottom_visibility,
        min_visibility=cfg.min_visibility,
    )
    landmarks = [side_landmark(s, p) for s in sides for p in PARTS]
    return rep_findings(CODE, UNITS, seq, ctx, cfg, per_side, at_bottom, landmarks)
