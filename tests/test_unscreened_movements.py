"""Movements the screen does not judge are named, not scored (issue: only the movements we
screen). Built from constructed bodies whose knee angles are known in the body's frame."""

from __future__ import annotations

import numpy as np

from screening.checks import run_checks
from screening.core.landmarks import Landmark as L
from screening.core.scene import build_context, knee_flexion_deg, unscreened_movement

from .builders import Pose, body_points, camera_views, squat_sequence


def _context(seq, settings, movement=None):
    return build_context(seq, settings.reps, settings.context, movement=movement)


def _side_lunge(seq, stance_hip_widths: float):
    """The right leg straightened (knee on the hip-ankle line) and the feet set wide, in the
    3-D world points of every frame deeper than half the rep."""
    world = seq.world.copy()
    hip_w = np.linalg.norm(world[0, L.LEFT_HIP] - world[0, L.RIGHT_HIP])
    for ankle, sign in ((L.LEFT_ANKLE, 1.0), (L.RIGHT_ANKLE, -1.0)):
        world[:, ankle, 0] = sign * stance_hip_widths * hip_w / 2
    world[:, L.RIGHT_KNEE] = (world[:, L.RIGHT_HIP] + world[:, L.RIGHT_ANKLE]) / 2
    seq.world[:] = world
    return seq


def test_squats_and_lunges_bend_both_knees(settings):
    seq = squat_sequence("front", reps=2)
    ctx = _context(seq, settings)
    bottoms = np.array([r.bottom for r in ctx.reps])
    assert len(bottoms) == 2
    assert (knee_flexion_deg(seq, bottoms, "left") > 90).all()
    assert ctx.unscreened is None
    assert all(
        r.assessable or "looks like" not in (r.reason or "") for r in run_checks(seq, ctx, settings)
    )


def test_a_side_lunge_is_named_and_not_scored_even_when_called_a_squat(settings):
    seq = _side_lunge(squat_sequence("front", reps=2), stance_hip_widths=4.0)
    ctx = _context(seq, settings, movement="deep_squat")
    assert ctx.unscreened is not None and "side lunge" in ctx.unscreened
    results = run_checks(seq, ctx, settings)
    assert results and not any(r.assessable for r in results)
    assert not any(r.findings for r in results)
    assert "does not judge" in (results[0].reason or "")


def test_one_straight_leg_with_the_feet_close_is_a_single_leg_squat(settings):
    seq = _side_lunge(squat_sequence("front", reps=2), stance_hip_widths=1.2)
    assert "single-leg" in (_context(seq, settings).unscreened or "")


def _bottoms_posed(settings, bottom: Pose):
    """A side-view squat whose 3-D points at each rep's bottom are replaced by `bottom`."""
    seq = squat_sequence("side_right", reps=2)
    ctx = _context(seq, settings)
    _, world = camera_views(body_points(bottom), "side_right")
    for rep in ctx.reps:
        seq.world[rep.bottom] = world
    return unscreened_movement(seq, ctx.reps, settings.context)


def test_a_hip_hinge_is_named(settings):
    hinge = Pose(shank_deg=0.0, thigh_above_deg=85.0, trunk_deg=70.0)
    assert "hip hinge" in (_bottoms_posed(settings, hinge) or "")


def test_a_shallow_squat_with_an_upright_trunk_is_still_a_squat(settings):
    """Knees bent only 30 degrees and an upright trunk: a quarter squat, judged for depth."""
    quarter = Pose(shank_deg=15.0, thigh_above_deg=75.0, trunk_deg=10.0)
    assert _bottoms_posed(settings, quarter) is None


def test_a_squat_with_a_bar_on_the_back_is_a_back_squat_judged_without_trunk_or_arms(settings):
    """Hands wide at the shoulders, not in front: a bar across the upper back, from any
    camera. Not an FMS test, so no FMS score; the trunk and arm criteria do not apply (the
    trunk leans further under a bar by design); knees, heels, feet, depth and shift do."""
    from dataclasses import replace

    from screening.core.codes import Check, Movement
    from screening.decide.scoring import fms_score

    bottom = Pose(shank_deg=35.0, thigh_above_deg=-10.0, trunk_deg=35.0, arms="bar")
    for view in ("front", "side_left", "side_right"):
        seq = squat_sequence(view, reps=2, bottom=bottom, stand=Pose(arms="bar"))
        ctx = _context(seq, settings)
        assert ctx.movement is Movement.BACK_SQUAT, view
        results = run_checks(seq, ctx, settings)
        codes = {r.code for r in results}
        assert Check.FORWARD_LEAN not in codes and Check.ARMS_FALL_FORWARD not in codes
        assert Check.INSUFFICIENT_DEPTH in codes and Check.KNEE_VALGUS in codes
        score = fms_score(results, ctx.movement, pain=False)
        assert score["fms"] is None and "not an FMS test" in score["basis"]
    # The same squat with the arms reaching forward, or overhead, is not one.
    for arms in ("forward", "overhead"):
        seq = squat_sequence("side_left", reps=2, bottom=replace(bottom, arms=arms))
        assert _context(seq, settings).movement is not Movement.BACK_SQUAT, arms
