"""The PoseSequence container and rep segmentation on constructed landmark arrays."""

from __future__ import annotations

import numpy as np
import pytest

from screening.core.codes import View
from screening.core.landmarks import MIRROR_INDEX, Landmark, mirror
from screening.core.reps import find_reps, hip_drop_fraction
from screening.core.scene import build_context
from screening.core.sequence import FramePose, PoseSequence, SequenceBuilder

from .builders import make_sequence, squat_profile


def test_landmark_enum_matches_mediapipe_indices():
    assert len(Landmark) == 33
    assert Landmark.LEFT_KNEE == 25 and Landmark.RIGHT_FOOT_INDEX == 32
    assert mirror(Landmark.LEFT_HEEL) is Landmark.RIGHT_HEEL
    assert mirror(Landmark.NOSE) is Landmark.NOSE
    assert all(MIRROR_INDEX[MIRROR_INDEX[i]] == i for i in range(33))


def test_builder_stores_missing_frames_as_nan_never_zero():
    b = SequenceBuilder(fps=30.0)
    pose = FramePose(np.ones((33, 3)), np.ones((33, 3)), np.ones(33), np.ones(33), people=1)
    b.add(0, 0.0, pose)
    b.add(1, 0.033, None)
    seq = b.build(width=640, height=480)
    assert np.isnan(seq.image[1]).all() and np.isnan(seq.world[1]).all()
    assert seq.detected.tolist() == [True, False]
    assert seq.detected_fraction == 0.5


def test_empty_builder_gives_empty_sequence():
    seq = SequenceBuilder(fps=30.0).build(width=10, height=10)
    assert len(seq) == 0 and seq.image.shape == (0, 33, 3)


def test_sequence_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="visibility"):
        PoseSequence(
            image=np.zeros((2, 33, 3)),
            world=np.zeros((2, 33, 3)),
            visibility=np.zeros((3, 33)),
            presence=np.zeros((2, 33)),
            timestamps_s=np.zeros(2),
            frame_indices=np.zeros(2),
            width=1,
            height=1,
            fps=30.0,
        )


def test_mirrored_swaps_sides_and_flips_x():
    seq = make_sequence(np.zeros(3))
    m = seq.mirrored()
    lh, rh = Landmark.LEFT_HIP, Landmark.RIGHT_HIP
    assert m.image[0, lh, 0] == pytest.approx(640 - seq.image[0, rh, 0])
    assert m.image[0, lh, 1] == seq.image[0, rh, 1]
    np.testing.assert_allclose(m.mirrored().image, seq.image)


def test_hip_drop_fraction_known_answer():
    # Leg height is 160 px standing; a 80 px drop of the hips is half of it.
    drop = np.array([0.0] * 20 + [80.0] * 5)
    frac = hip_drop_fraction(make_sequence(drop))
    assert frac[0] == pytest.approx(0.0)
    assert frac[-1] == pytest.approx(0.5)


@pytest.mark.parametrize("reps", [1, 2, 3, 5])
def test_find_reps_counts_and_locates_bottoms(reps, settings):
    drop, bottoms = squat_profile(reps)
    found = find_reps(make_sequence(drop), settings.reps)
    assert len(found) == reps
    for rep, bottom in zip(found, bottoms, strict=True):
        assert abs(rep.bottom - bottom) <= 1
        assert rep.start < rep.bottom < rep.end


def test_find_reps_ignores_small_bobs_and_keeps_slow_first_rep(settings):
    fps = 30.0
    slow = 90.0 * 0.5 * (1 - np.cos(2 * np.pi * np.arange(150) / 150))  # a 5 s rep
    bob = 12.0 * 0.5 * (1 - np.cos(2 * np.pi * np.arange(30) / 30))  # 7% dip: not a rep
    fast, _ = squat_profile(2, stand_s=0.5)
    drop = np.concatenate([np.zeros(30), slow, np.zeros(20), bob, np.zeros(20), fast])
    found = find_reps(make_sequence(drop, fps), settings.reps)
    assert len(found) == 3
    assert 30 + 60 <= found[0].bottom <= 30 + 90


@pytest.mark.parametrize("hold_s", [3.0, 10.0, 20.0])
def test_a_long_pause_at_the_bottom_is_one_rep(settings, hold_s):
    """Standing height is read from the standing either side of a pause, however long."""
    fps = 30.0
    down = 80.0 * 0.5 * (1 - np.cos(np.pi * np.arange(30) / 30))
    held = np.concatenate(
        [np.zeros(30), down, np.full(int(hold_s * fps), 80.0), down[::-1], np.zeros(30)]
    )
    fast, _ = squat_profile(2, stand_s=0.5)
    found = find_reps(make_sequence(np.concatenate([held, fast]), fps), settings.reps)
    assert len(found) == 3
    assert found[0].start < 60 and found[0].end > 60 + hold_s * fps
    assert found[0].depth_fraction == pytest.approx(0.5, abs=0.01)


def test_find_reps_back_to_back_without_standing_splits_between(settings):
    one = 90.0 * 0.5 * (1 - np.cos(2 * np.pi * np.arange(60) / 60))
    # Rise only to 60% of standing between reps.
    drop = np.concatenate([np.zeros(30), one[:45], np.full(10, 35.0), one[15:], np.zeros(30)])
    found = find_reps(make_sequence(drop), settings.reps)
    assert len(found) == 2
    assert found[0].end <= found[1].start


def test_find_reps_on_no_pose_is_empty(settings):
    assert find_reps(make_sequence(np.full(50, np.nan)), settings.reps) == []


def test_a_partial_rep_among_full_ones_is_a_rep_of_its_own_depth(settings):
    """A half-hearted squat between full ones is still an attempt (FMS scores attempts):
    it is counted, with its own depth, so the depth check can judge it."""
    full, _ = squat_profile(1, stand_s=0.5)
    partial, _ = squat_profile(1, depth_px=40.0, stand_s=0.5)  # 40 of 160 px: a quarter
    drop = np.concatenate([full, partial, full])
    found = find_reps(make_sequence(drop), settings.reps)
    assert [round(r.depth_fraction, 2) for r in found] == [0.56, 0.25, 0.56]


def walking_in(drop: np.ndarray, walk_s: float = 2.0, fps: float = 30.0) -> PoseSequence:
    """`drop` preceded by nobody (0.5 s) and then a person walking in from the picture's
    left edge toward the camera: they slide 250 px across, grow from 0.7 to 1.0 of their
    size (scaled about the ankles) and bob 6 px with each stride."""
    n = int(walk_s * fps)
    bob = 6.0 * 0.5 * (1 - np.cos(2 * np.pi * np.arange(n) / (fps / 2)))
    lead = np.full(int(0.5 * fps), np.nan)
    seq = make_sequence(np.concatenate([lead, bob, drop]), fps)
    image = seq.image.copy()
    k = np.arange(n) / n
    frames = slice(len(lead), len(lead) + n)
    scale = (0.7 + 0.3 * k)[:, None]
    image[frames, :, 0] = 320 + (image[frames, :, 0] - 320) * scale - 250 * (1 - k)[:, None]
    image[frames, :, 1] = 400 + (image[frames, :, 1] - 400) * scale
    return PoseSequence(
        image=image,
        world=seq.world,
        visibility=seq.visibility,
        presence=seq.presence,
        timestamps_s=seq.timestamps_s,
        frame_indices=seq.frame_indices,
        width=640,
        height=480,
        fps=fps,
    )


def test_someone_walking_into_the_picture_is_not_a_rep(settings):
    """Walking in from far away looks like a person who grows taller: the hips rise in the
    picture, never dip, and the strides bob far less than a squat."""
    drop, bottoms = squat_profile(3)
    seq = walking_in(drop)
    found = find_reps(seq, settings.reps)
    walked_in = int(2.5 * 30)
    assert len(found) == 3
    assert [r.bottom - walked_in for r in found] == pytest.approx(bottoms, abs=1)
    assert found[0].start >= walked_in
    # The first rep's standing baseline is taken after the walk, not during it.
    ctx = build_context(seq, settings.reps, settings.context)
    assert ctx.view is View.FRONT and len(ctx.reps) == 3
    assert ctx.baselines[0].frames.min() >= walked_in
