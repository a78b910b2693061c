"""Trunk pitching forward: the trunk leans further forward than the shins.

Squats (FMS): the torso should be parallel to the tibia or more upright, so the measure is
the trunk's forward angle from vertical minus the shin's, at the bottom. Lunges: the torso
should stay upright, so the measure is the trunk's forward angle from vertical. Angles are
signed toward the way the person faces, so leaning back is never called leaning forward.
Seen from the side, a squat rep whose near thigh the pose model shrank (it folded the knee
back toward the hip, making the shin look upright) is not judged: see `knee_found`.
Seen obliquely, the picture shortens the lean by an unknown amount, so the angles are
taken in 3-D instead, on the lifted landmarks against the floor's vertical
(screening.core.floor), with the depth guess's doubt in each rep's uncertainty.
"""

from __future__ import annotations

import numpy as np

from screening.checks.base import (
    CheckResult,
    baseline_value,
    near_side,
    not_assessable,
    rep_findings,
    side_landmark,
    usable_sides,
    values_at_bottoms,
)
from screening.core.codes import Check, Movement, View
from screening.core.floor import depth_scaled, doubt, lifted, tilt_from_vertical_deg
from screening.core.kinematics import forward_angle_deg, midpoint, nanmedian, point
from screening.core.landmarks import Landmark as L
from screening.core.scene import Context
from screening.core.sequence import PoseSequence
from screening.core.settings import CheckSettings, ForwardLeanSettings

CODE = Check.FORWARD_LEAN
UNITS = "deg"


def knee_found(seq: PoseSequence, ctx: Context, side: str, min_fraction: float) -> list[bool]:
    """Per rep: does the near thigh keep at least `min_fraction` of its standing length in
    the picture at the bottom? From the side it moves in the picture's plane and barely
    shortens; a much shorter one means the model folded the knee back toward the hip, and
    the shin's angle from that knee is wrong by 20-40 degrees."""
    thigh = np.linalg.norm(
        point(seq.image, side_landmark(side, "HIP"))[:, :2]
        - point(seq.image, side_landmark(side, "KNEE"))[:, :2],
        axis=1,
    )
    bottom = values_at_bottoms(seq, ctx, thigh, baseline_relative=False)
    standing = [baseline_value(thigh, base.frames) for base in ctx.baselines]
    return [bool(b >= min_fraction * s) for b, s in zip(bottom, standing, strict=True)]


def oblique(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    """The lean from an oblique camera: trunk tilt (minus shin tilt for squats) in 3-D."""
    sides = usable_sides(seq, ctx, ("KNEE", "ANKLE"), cfg.min_visibility)
    if ctx.movement is not Movement.LUNGE and not sides:
        return not_assessable(CODE, UNITS, "the shins are not clearly visible")

    def lean_of(points: np.ndarray) -> np.ndarray:
        trunk = tilt_from_vertical_deg(
            seq,
            ctx,
            points,
            midpoint(points, L.LEFT_HIP, L.RIGHT_HIP),
            midpoint(points, L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
        )
        if ctx.movement is Movement.LUNGE:
            return trunk
        shin = nanmedian(
            np.stack(
                [
                    tilt_from_vertical_deg(
                        seq,
                        ctx,
                        points,
                        point(points, side_landmark(s, "ANKLE")),
                        point(points, side_landmark(s, "KNEE")),
                    )
                    for s in sides
                ]
            ),
            axis=0,
        )
        return trunk - np.asarray(shin)

    points = lifted(seq, ctx)
    lean = lean_of(points)
    at_bottom = values_at_bottoms(seq, ctx, lean, baseline_relative=False)
    alternates = [
        values_at_bottoms(seq, ctx, lean_of(p), baseline_relative=False)
        for p in depth_scaled(points)
    ]
    landmarks = [
        L.LEFT_HIP,
        L.RIGHT_HIP,
        L.LEFT_SHOULDER,
        L.RIGHT_SHOULDER,
        *(side_landmark(s, p) for s in sides for p in ("KNEE", "ANKLE")),
    ]
    return rep_findings(
        CODE,
        UNITS,
        seq,
        ctx,
        cfg,
        {"none": lean},
        {"none": at_bottom},
        landmarks,
        rep_doubt={"none": doubt(at_bottom, alternates)},
    )


def assess(seq: PoseSequence, ctx: Context, cfg: CheckSettings) -> CheckResult:
    if ctx.view is View.OBLIQUE:
        return oblique(seq, ctx, cfg)
    img = seq.image
    trunk = forward_angle_deg(
        midpoint(img, L.LEFT_HIP, L.RIGHT_HIP),
        midpoint(img, L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
        ctx.facing_sign,
    )
    if ctx.movement is Movement.LUNGE:
        lean = trunk
        landmarks = [L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_SHOULDER, L.RIGHT_SHOULDER]
    else:
        sides = usable_sides(seq, ctx, ("KNEE", "ANKLE"), cfg.min_visibility)
        if not sides:
            return not_assessable(CODE, UNITS, "the shins are not clearly visible")
        shin = np.asarray(
            nanmedian(
                np.stack(
                    [
                        forward_angle_deg(
                            point(img, side_landmark(s, "ANKLE")),
                            point(img, side_landmark(s, "KNEE")),
                            ctx.facing_sign,
                        )
                        for s in sides
                    ]
                ),
                axis=0,
            )
        )
        lean = trunk - shin
        landmarks = [
            L.LEFT_HIP,
            L.RIGHT_HIP,
            L.LEFT_SHOULDER,
            L.RIGHT_SHOULDER,
            *(side_landmark(s, p) for s in sides for p in ("KNEE", "ANKLE")),
        ]
    at_bottom = values_at_bottoms(seq, ctx, lean, baseline_relative=False)
    if ctx.movement is not Movement.LUNGE and ctx.view in (View.SIDE_LEFT, View.SIDE_RIGHT):
        assert isinstance(cfg, ForwardLeanSettings)
        kept = knee_found(seq, ctx, near_side(ctx.view), cfg.min_thigh_fraction)
        if not any(kept):
            return not_assessable(
                CODE,
                UNITS,
                "the pose model lost the near knee at the "
                "bottom of every rep (the thigh looked too short)",
            )
        at_bottom = [v if k else float("nan") for v, k in zip(at_bottom, kept, strict=True)]
    return rep_findings(CODE, UNITS, seq, ctx, cfg, {"none": lean}, {"none": at_bottom}, landmarks)
