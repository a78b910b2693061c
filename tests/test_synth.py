"""Tests of the synthetic-video generator (screening_synth) with known answers.

The geometry tests need only numpy; the body tests need torch and anny (the `synth`
extras) and are skipped cleanly without them.
"""

from __future__ import annotations

import numpy as np
import pytest

from screening.core.codes import CHECKS_FOR_MOVEMENT, VIEWS_THAT_SEE, Check, Movement, View
from screening.core.landmarks import Landmark as L
from screening_synth.camera import Camera
from screening_synth.geometry import align, axis_angle, rot_x, rot_y, rot_z, two_bone_ik

# ----- geometry and camera (numpy only) ---------------------------------------------------


def test_rotation_sign_conventions() -> None:
    up = np.array([0.0, 0.0, 1.0])
    forward = np.array([0.0, -1.0, 0.0])
    assert rot_x(np.radians(90)) @ up == pytest.approx(forward)  # pitch forward: top goes to -y
    assert rot_y(np.radians(90)) @ up == pytest.approx([1.0, 0.0, 0.0])  # tilt toward the left
    assert rot_z(np.radians(90)) @ forward == pytest.approx([1.0, 0.0, 0.0])  # toes toward the left


def test_align_maps_primary_and_secondary() -> None:
    R = align(
        np.array([0, 0, -1.0]), np.array([1.0, 0, 0]), np.array([0, -1.0, 0]), np.array([0, 0, 1.0])
    )
    assert R @ np.array([0, 0, -1.0]) == pytest.approx([0, -1.0, 0])
    assert R @ np.array([1.0, 0, 0]) == pytest.approx([0, 0, 1.0])
    assert np.linalg.det(R) == pytest.approx(1.0)


def test_two_bone_ik_lengths_and_pole() -> None:
    hip, ankle = np.array([0.0, 0.0, 1.0]), np.array([0.0, 0.0, 0.3])
    knee = two_bone_ik(hip, ankle, 0.4, 0.45, pole=np.array([0.0, -1.0, 0.0]))
    assert np.linalg.norm(knee - hip) == pytest.approx(0.4)
    assert np.linalg.norm(ankle - knee) == pytest.approx(0.45)
    assert knee[1] < 0  # bent toward the pole (forward)
    assert axis_angle(np.array([0, 0, 1.0]), 0.3) @ np.array([0, 0, 1.0]) == pytest.approx(
        [0, 0, 1.0]
    )


def test_front_camera_projects_known_points() -> None:
    cam = Camera(yaw_deg=0.0, height_m=1.0, distance_m=3.0, look_height_m=1.0)
    assert cam.pitch_deg == pytest.approx(0.0)
    # The look-at point projects to the image centre.
    assert cam.project(np.array([0.0, 0.0, 1.0])) == pytest.approx([320.0, 240.0])
    # 0.3 m to the person's left, 3 m away: 560 * 0.1 = 56 px to the image right.
    assert cam.project(np.array([0.3, 0.0, 1.0])) == pytest.approx([376.0, 240.0])
    # 0.3 m higher: 56 px up.
    assert cam.project(np.array([0.0, 0.0, 1.3])) == pytest.approx([320.0, 184.0])


def test_side_left_camera_sees_the_left_side() -> None:
    cam = Camera(yaw_deg=90.0, height_m=1.0, distance_m=3.0, look_height_m=1.0)
    assert cam.position == pytest.approx([3.0, 0.0, 1.0])
    # The person faces -y, which appears toward the image left from their left side.
    assert cam.project(np.array([0.0, -0.3, 1.0]))[0] < 320.0
    assert cam.to_camera(np.array([0.2, 0.0, 1.0]))[2] == pytest.approx(2.8)  # left side is nearer


def test_pitch_looks_down_from_above() -> None:
    cam = Camera(yaw_deg=0.0, height_m=1.3, distance_m=3.0, look_height_m=1.0)
    assert cam.pitch_deg == pytest.approx(np.degrees(np.arctan2(0.3, 3.0)))
    assert cam.project(np.array([0.0, 0.0, 1.0])) == pytest.approx([320.0, 240.0])


def test_assessable_uses_the_vocabulary() -> None:
    from screening_synth.clip import assessable

    # Side views cannot see knee valgus; the front view cannot see heel lift (SPEC section 5).
    assert "knee_valgus" not in assessable(Movement.DEEP_SQUAT, View.SIDE_LEFT)
    assert "heel_lift" not in assessable(Movement.DEEP_SQUAT, View.FRONT)
    for m in Movement:
        for v in View:
            assert set(assessable(m, v)) == {
                str(c) for c in CHECKS_FOR_MOVEMENT[m] if v in VIEWS_THAT_SEE[c]
            }


def test_sample_set_covers_every_fault_from_a_view_that_sees_it() -> None:
    from screening_synth.sample_set import sample_specs

    specs = sample_specs()
    assert len(specs) == 39
    assert sum(not s.faults for s in specs) == 20
    assert len({s.name for s in specs}) == len(specs)
    # Every movement the renderer can draw: it has no bar, so no back squat.
    assert {s.movement for s in specs} == set(Movement) - {Movement.BACK_SQUAT}
    assert {s.view for s in specs} == set(View)
    shown: dict[Check, int] = {}
    for s in specs:
        for f in s.faults:
            assert s.view in VIEWS_THAT_SEE[f.code], s.name
            assert f.code in CHECKS_FOR_MOVEMENT[s.movement], s.name
            shown[f.code] = shown.get(f.code, 0) + 1
    assert set(shown) == set(Check)
    for code in (Check.HEEL_LIFT, Check.FEET_ROLL_OUT, Check.SHOULDER_ELEVATION, Check.KNEE_VALGUS):
        assert shown[code] >= 2
    assert sum(1 for s in specs if not s.faults) >= 3


# ----- the body (needs torch + anny) ------------------------------------------------------


@pytest.fixture(scope="module")
def standing_clip():  # type: ignore[no-untyped-def]
    pytest.importorskip("torch")
    pytest.importorskip("anny")
    from screening_synth.clip import ClipSpec, simulate

    spec = ClipSpec(name="t", movement=Movement.DEEP_SQUAT, view=View.FRONT, seed=7, n_reps=2)
    truth = simulate(spec, render=False)
    first_bottom = truth.label["reps"][0]["bottom_frame"]  # type: ignore[index]
    return simulate(spec, render=[0, first_bottom]), first_bottom


def test_standing_landmarks_are_stacked_and_sided(standing_clip) -> None:  # type: ignore[no-untyped-def]
    clip, _ = standing_clip
    w = clip.world_xyz[0]
    for side in ("LEFT", "RIGHT"):
        hip, knee, ankle = (w[L[f"{side}_{j}"]] for j in ("HIP", "KNEE", "ANKLE"))
        assert hip[2] > knee[2] > ankle[2] > 0.0
        assert w[L[f"{side}_HEEL"]][2] < ankle[2]
        assert w[L[f"{side}_SHOULDER"]][2] > hip[2]
        assert w[L.NOSE][2] > w[L[f"{side}_SHOULDER"]][2]
    # Soles on the floor: the heel and toe-tip vertices are a few cm above z = 0.
    assert 0.0 <= w[L.LEFT_HEEL][2] < 0.06 and 0.0 <= w[L.LEFT_FOOT_INDEX][2] < 0.05
    # Facing -y: the nose is ahead of the ears, the toes ahead of the heels.
    assert w[L.NOSE][1] < w[L.LEFT_EAR][1]
    assert w[L.LEFT_FOOT_INDEX][1] < w[L.LEFT_HEEL][1]
    # Front view: the person's left appears on the image right, and the image y grows downward.
    xy = clip.image_xy[0]
    for left, right in (
        (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
        (L.LEFT_HIP, L.RIGHT_HIP),
        (L.LEFT_ANKLE, L.RIGHT_ANKLE),
    ):
        assert xy[left][0] > xy[right][0]
    assert xy[L.NOSE][1] < xy[L.LEFT_HIP][1] < xy[L.LEFT_KNEE][1] < xy[L.LEFT_ANKLE][1]


def test_clean_squat_bottom_meets_the_fms_criteria(standing_clip) -> None:  # type: ignore[no-untyped-def]
    clip, _ = standing_clip
    for m in clip.label["measured_at_bottom"]:
        assert m["thigh_below_horizontal_deg"] > 10  # femur below horizontal
        assert m["trunk_minus_shin_deg"] < 5  # trunk parallel to the shin or more upright
        assert abs(m["heel_rise_cm_left"]) < 1 and abs(m["heel_rise_cm_right"]) < 1  # heels down
        assert m["knee_to_ankle_width"] > 0.95  # knees over the feet, not caving


def test_rendered_frame_has_body_where_the_truth_says(standing_clip) -> None:  # type: ignore[no-untyped-def]
    clip, bottom = standing_clip
    for frame, i in zip(clip.frames, [0, bottom], strict=True):
        assert frame.shape == (480, 640, 3)
        xy = clip.image_xy[i]
        assert (
            (xy[:, 0] > 0).all()
            and (xy[:, 0] < 640).all()
            and (xy[:, 1] > 0).all()
            and (xy[:, 1] < 480).all()
        )
        # Background colour from the image corners; the torso centre must differ from it.
        corners = np.array([frame[5, 5], frame[5, -6]], dtype=float).mean(axis=0)
        torso = (xy[L.LEFT_SHOULDER] + xy[L.RIGHT_SHOULDER] + xy[L.LEFT_HIP] + xy[L.RIGHT_HIP]) / 4
        x, y = round(float(torso[0])), round(float(torso[1]))
        assert np.abs(frame[y, x].astype(float) - corners).sum() > 30
        # Far outside the body's box the image is background (wall or floor), not body.
        assert np.abs(frame[5, 320].astype(float) - corners).sum() < 60


def test_heel_lift_raises_the_heels_with_toes_down() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("anny")
    from screening_synth.clip import ClipSpec, simulate
    from screening_synth.faults import Fault, Side

    spec = ClipSpec(
        name="t",
        movement=Movement.DEEP_SQUAT,
        view=View.SIDE_LEFT,
        seed=3,
        n_reps=2,
        faults=(Fault(Check.HEEL_LIFT, Side.LEFT, 4.0),),
    )
    clip = simulate(spec, render=False)
    m = clip.label["measured_at_bottom"][0]  # type: ignore[index]
    assert 3.0 < m["heel_rise_cm_left"] < 5.5
    assert abs(m["heel_rise_cm_right"]) < 1.0
    bottom = clip.label["reps"][0]["bottom_frame"]  # type: ignore[index]
    assert clip.world_xyz[bottom, L.LEFT_FOOT_INDEX, 2] < 0.03  # toes still on the floor


def test_camera_height_range_is_parsed_and_checked() -> None:
    import argparse

    from screening_synth.cli import build_parser, parse_range

    assert parse_range("1.3:1.7") == (1.3, 1.7)
    for bad in ("1.7", "a:b", "1.7:1.3", "0.1:1.0"):
        with pytest.raises(argparse.ArgumentTypeError, match="bad range"):
            parse_range(bad)
    args = build_parser().parse_args(
        ["clip", "--movement", "deep_squat", "--view", "front", "--camera-height", "1.5:1.6"]
    )
    assert args.camera_height == (1.5, 1.6)


def test_a_higher_camera_looks_down_more() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("anny")
    from screening_synth.clip import ClipSpec, simulate

    pitches = []
    for height in (0.9, 1.6):
        spec = ClipSpec(
            name="t",
            movement=Movement.DEEP_SQUAT,
            view=View.FRONT,
            seed=5,
            n_reps=2,
            camera_heights_m=(height, height),
        )
        camera = simulate(spec, render=False).label["camera"]
        assert camera["height_m"] == pytest.approx(height)  # type: ignore[index]
        pitches.append(camera["pitch_deg"])  # type: ignore[index]
    assert pitches[1] > pitches[0] + 5


# ----- the widened set's regions (numpy only) ----------------------------------------------


def test_wide_set_regions_never_overlap_in_camera_angle_or_height() -> None:
    from screening_synth.wide_set import judged, wide_specs

    tune, held = wide_specs("tune"), wide_specs("held")
    assert len(tune) == len(held) > 20
    assert not {s.seed for s in tune} & {s.seed for s in held}

    def off_front(spec) -> tuple[float, float]:  # type: ignore[no-untyped-def]
        lo, hi = sorted(abs(v) for v in spec.yaw_deg)
        return (0.0, hi) if spec.yaw_deg[0] <= 0 <= spec.yaw_deg[1] else (lo, hi)

    tuned = [off_front(s) for s in tune]
    for spec in held:
        lo, hi = off_front(spec)
        assert all(hi <= a or lo >= b for a, b in tuned), spec.name
        h_lo, h_hi = spec.camera_heights_m
        assert h_hi <= 0.8 or h_lo >= 1.4, spec.name
        assert spec.wide
    # Every fault is filmed from 45 degrees in both regions, and counts as judged there.
    oblique = [s for s in held if s.view is View.OBLIQUE and s.faults]
    assert {s.faults[0].code for s in oblique} == {f.code for s in held for f in s.faults}
    knees = next(s for s in oblique if s.faults[0].code is Check.KNEE_VALGUS)
    assert "knee_valgus" in judged(knees, "held")["assessable"]
    assert judged(knees, "held")["region"] == "held"
