"""The foot patches and the network that reads a heel lift from them.

Geometry on constructed pictures; the network and the check through the real pose model on
sample clips whose heel lift is known from their labels.
"""

from __future__ import annotations

import numpy as np
import pytest

from screening.checks import heel_lift
from screening.core.codes import Check
from screening.core.landmarks import MIRROR_INDEX, NUM_LANDMARKS, Landmark
from screening.core.patches import PATCH, has_patch
from screening.core.scene import build_context
from screening.engine.pipeline import analyse, analyse_pose
from screening.pose.heel_rise import foot_patches, heel_rise_cm
from screening.pose.model_file import resolve_model

from .builders import SAMPLES, squat_sequence
from .media import sample_labels
from .patch_nets import as_seen_and_mirrored, extracted, largest_self_reading


def landmarks(toes_right: bool = True) -> np.ndarray:
    """A person seen from the side: knees 100 px above the ankles, feet 60 px long."""
    p = np.full((NUM_LANDMARKS, 3), np.nan)
    d = 1.0 if toes_right else -1.0
    for side, x in (("LEFT", 300.0), ("RIGHT", 340.0)):
        p[Landmark[f"{side}_KNEE"], :2] = (x + 20 * d, 300.0)
        p[Landmark[f"{side}_ANKLE"], :2] = (x, 400.0)
        p[Landmark[f"{side}_HEEL"], :2] = (x - 10 * d, 410.0)
        p[Landmark[f"{side}_FOOT_INDEX"], :2] = (x + 50 * d, 420.0)
    return p


def gradient() -> np.ndarray:
    """Brightness grows to the right and down: a patch shows where it was cut from."""
    ys, xs = np.mgrid[0:480, 0:640]
    grey = (xs * 0.3 + ys * 0.1).astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)


def test_patches_are_cut_around_each_foot_with_the_toes_to_the_right():
    left, right = foot_patches(gradient(), landmarks()).astype(float)
    # Shin 102 px long: each patch spans 102 px, centred 0.3 of the way from the middle of
    # heel (290, 410) and toe (350, 420) to the ankle (300, 400), i.e. at (314, 412).
    assert left[PATCH // 2, PATCH // 2] == pytest.approx(0.3 * 314 + 0.1 * 412, abs=2)
    assert right[PATCH // 2, PATCH // 2] == pytest.approx(0.3 * 354 + 0.1 * 412, abs=2)
    assert left[0, -1] > left[0, 0] and left[-1, 0] > left[0, 0]  # not mirrored
    # Toes pointing left: the patch is mirrored so that the toes point right again.
    left_facing, _ = foot_patches(gradient(), landmarks(toes_right=False)).astype(float)
    assert left_facing[0, 0] > left_facing[0, -1]


def test_a_mirrored_frame_gives_the_same_patches_with_sides_swapped():
    rgb = np.random.default_rng(1).integers(0, 255, (480, 640, 3), dtype=np.uint8)
    pts = landmarks()
    flipped = pts[list(MIRROR_INDEX)].copy()
    flipped[:, 0] = 640 - 1 - flipped[:, 0]  # pixel centres mirror about x = 319.5
    original = foot_patches(rgb, pts).astype(int)
    mirrored = foot_patches(rgb[:, ::-1].copy(), flipped).astype(int)
    assert np.abs(original[0] - mirrored[1]).mean() < 3
    assert np.abs(original[1] - mirrored[0]).mean() < 3


def test_no_patch_when_the_person_is_tiny_or_a_foot_is_missing():
    rgb = np.full((480, 640, 3), 128, np.uint8)
    tiny = landmarks()
    tiny[:, :2] = 320 + (tiny[:, :2] - 320) * 0.1
    assert not has_patch(foot_patches(rgb, tiny)).any()
    missing = landmarks()
    missing[Landmark.RIGHT_HEEL] = np.nan
    assert has_patch(foot_patches(rgb, missing)).tolist() == [True, False]
    assert np.isnan(
        heel_rise_cm(np.zeros((3, PATCH, PATCH), np.uint8), np.full((PATCH, PATCH), 9, np.uint8))
    ).all()


def test_a_sequence_without_pictures_falls_back_to_the_heel_point(settings):
    """Landmarks alone (no frames kept): the pose model's heel point is measured instead
    (its known answers are in test_checks.py)."""
    seq = squat_sequence("side_left")
    assert not has_patch(seq.feet).any()
    ctx = build_context(seq, settings.reps, settings.context)
    result = heel_lift.assess(seq, ctx, settings.checks["heel_lift"])
    assert result.assessable and result.findings == []


# ----- the network on real frames, through the real pose model ----------------------------


def heel_clip(view: str) -> str:
    for name, label in sorted(sample_labels().items()):
        codes = {f["code"] for f in label["faults"]}
        if "heel_lift" in codes and label["view"] == view and label["movement"] == "deep_squat":
            return name
    raise LookupError(view)


@pytest.fixture(scope="module")
def lift_left():
    """A deep squat from the left whose heels rise 3.5 cm (the left foot is the near one)."""
    return extracted(heel_clip("side_left"))


def test_the_same_picture_twice_reads_no_rise(lift_left):
    _, raw, _ = lift_left
    assert largest_self_reading(raw.feet[:, 0], heel_rise_cm) < 1.0


def test_a_lift_seen_from_the_left_is_found_on_the_near_foot(lift_left):
    info, raw, settings = lift_left
    label = sample_labels()[heel_clip("side_left")]
    truth = next(f["magnitude"] for f in label["faults"] if f["code"] == "heel_lift")
    result = next(c for c in analyse_pose(info, raw, settings).checks if c.code is Check.HEEL_LIFT)
    assert result.assessable
    assert {f.side for f in result.findings} == {"left"}
    assert all(abs(v - truth) <= 1.5 for v in result.rep_values), result.rep_values


def test_mirroring_the_video_moves_the_lift_to_the_right(lift_left):
    seen, mirrored = as_seen_and_mirrored(*lift_left, Check.HEEL_LIFT)
    assert {f.side for f in mirrored.findings} == {"right"}
    assert mirrored.rep_values == pytest.approx(seen.rep_values, abs=0.01)


def test_a_clean_squat_at_45_degrees_shows_no_lift(settings):
    analysis = analyse(SAMPLES / "deep_squat__oblique__clean.mp4", resolve_model(), settings)
    result = next(c for c in analysis.checks if c.code is Check.HEEL_LIFT)
    assert result.assessable and result.findings == []
    assert max(result.rep_values) < settings.checks["heel_lift"].mild
