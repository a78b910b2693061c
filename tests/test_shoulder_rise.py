"""The neck patches and the network that reads a shoulder shrug from them.

Geometry on constructed pictures; the network and the check through the real pose model on
sample clips whose shrug is known from their labels.
"""

from __future__ import annotations

import numpy as np
import pytest

from screening.checks import shoulder_elevation
from screening.core.codes import Check
from screening.core.landmarks import NUM_LANDMARKS, Landmark
from screening.core.patches import PATCH, has_patch
from screening.engine.pipeline import analyse, analyse_pose
from screening.pose.model_file import resolve_model
from screening.pose.shoulder_rise import neck_patches, shoulder_rise_cm

from .builders import SAMPLES, squat_sequence
from .media import sample_labels
from .patch_nets import as_seen_and_mirrored, extracted, largest_self_reading


def landmarks(ear_l=(380.0, 100.0), sh_l=(420.0, 180.0)) -> np.ndarray:
    """Ears and shoulders placed symmetrically about x = 320."""
    p = np.full((NUM_LANDMARKS, 3), np.nan)
    p[Landmark.LEFT_EAR, :2] = ear_l
    p[Landmark.LEFT_SHOULDER, :2] = sh_l
    p[Landmark.RIGHT_EAR, :2] = (640 - ear_l[0], ear_l[1])
    p[Landmark.RIGHT_SHOULDER, :2] = (640 - sh_l[0], sh_l[1])
    return p


def test_patches_are_cut_around_the_neck_and_the_right_side_is_mirrored():
    # Brightness grows to the right and down: a patch shows where it was cut from.
    ys, xs = np.mgrid[0:480, 0:640]
    grey = (xs * 0.3 + ys * 0.1).astype(np.uint8)
    rgb = np.repeat(grey[:, :, None], 3, axis=2)
    left, right = neck_patches(rgb, landmarks()).astype(float)
    # Shoulders 200 px apart: each patch spans 200 px, centred 0.65 of the way from the
    # ear (380, 100) to the shoulder (420, 180), i.e. at (406, 152).
    assert left[PATCH // 2, PATCH // 2] == pytest.approx(0.3 * 406 + 0.1 * 152, abs=2)
    assert left[0, -1] > left[0, 0] and left[-1, 0] > left[0, 0]
    # The right patch, cut at (234, 152), is mirrored: its left edge is the image's right
    # (toward the neck, as in the left patch).
    assert right[PATCH // 2, PATCH // 2] == pytest.approx(0.3 * 234 + 0.1 * 152, abs=2)
    assert right[0, 0] > right[0, -1] and right[-1, 0] > right[0, 0]


def test_a_mirrored_frame_gives_the_same_patches_with_sides_swapped():
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)
    pts = landmarks(ear_l=(370.0, 90.0), sh_l=(430.0, 170.0))
    flipped = pts.copy()
    flipped[:, 0] = 640 - 1 - flipped[:, 0]  # pixel centres mirror about x = 319.5
    swap = {Landmark.LEFT_EAR: Landmark.RIGHT_EAR, Landmark.LEFT_SHOULDER: Landmark.RIGHT_SHOULDER}
    for a, b in swap.items():
        flipped[[a, b]] = flipped[[b, a]]
    original = neck_patches(rgb, pts).astype(int)
    mirrored = neck_patches(rgb[:, ::-1].copy(), flipped).astype(int)
    assert np.abs(original[0] - mirrored[1]).mean() < 3
    assert np.abs(original[1] - mirrored[0]).mean() < 3


def test_no_patch_when_the_person_is_tiny_or_the_landmarks_are_missing():
    rgb = np.full((480, 640, 3), 128, np.uint8)
    tiny = landmarks(ear_l=(322.0, 100.0), sh_l=(326.0, 105.0))
    assert not has_patch(neck_patches(rgb, tiny)).any()
    missing = landmarks()
    missing[Landmark.RIGHT_EAR] = np.nan
    assert has_patch(neck_patches(rgb, missing)).tolist() == [True, False]
    assert np.isnan(
        shoulder_rise_cm(
            np.zeros((3, PATCH, PATCH), np.uint8), np.full((PATCH, PATCH), 9, np.uint8)
        )
    ).all()


def test_a_sequence_without_pictures_is_not_judged(settings):
    """Landmarks alone (no frames kept) cannot show a shrug: say so, never guess."""
    seq = squat_sequence("front")
    from screening.core.scene import build_context

    ctx = build_context(seq, settings.reps, settings.context)
    result = shoulder_elevation.assess(seq, ctx, settings.checks["shoulder_elevation"])
    assert not result.assessable
    assert "picture of the neck" in result.reason


# ----- the network on real frames, through the real pose model ----------------------------


def shrug_clip(side: str) -> str:
    for name, label in sorted(sample_labels().items()):
        codes = {(f["code"], f["side"]) for f in label["faults"]}
        if ("shoulder_elevation", side) in codes and label["movement"] == "overhead_squat":
            return name
    raise LookupError(side)


@pytest.fixture(scope="module")
def shrug_right():
    return extracted(shrug_clip("right"))


def test_the_same_picture_twice_reads_no_rise(shrug_right):
    _, raw, _ = shrug_right
    assert largest_self_reading(raw.neck[:, 1], shoulder_rise_cm) < 1.0


def test_a_right_shrug_is_found_on_the_right_only(shrug_right):
    info, raw, settings = shrug_right
    result = next(
        c for c in analyse_pose(info, raw, settings).checks if c.code is Check.SHOULDER_ELEVATION
    )
    assert result.assessable
    assert {f.side for f in result.findings} == {"right"}
    # The label's shrug closes the true ear-shoulder gap by ~4 cm at the bottom.
    assert all(2.0 <= v <= 6.0 for v in result.rep_values)


def test_mirroring_the_video_swaps_the_shrug_to_the_left(shrug_right):
    seen, mirrored = as_seen_and_mirrored(*shrug_right, Check.SHOULDER_ELEVATION)
    assert {f.side for f in mirrored.findings} == {"left"}
    assert mirrored.rep_values == pytest.approx(seen.rep_values, abs=0.01)


def test_a_clean_front_squat_shows_no_shrug(settings):
    analysis = analyse(SAMPLES / "deep_squat__front__clean.mp4", resolve_model(), settings)
    result = next(c for c in analysis.checks if c.code is Check.SHOULDER_ELEVATION)
    assert result.assessable and result.findings == []
    assert max(result.rep_values) < settings.checks["shoulder_elevation"].mild
