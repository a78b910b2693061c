"""The real pose model on rendered clips with known truth: landmarks land on the body."""

from __future__ import annotations

import time

import numpy as np
import pytest

from screening.model import resolve_model
from screening.pipeline import extract_pose
from screening.pose import LivePoseEstimator
from screening.video import VideoFileSource

from .media import sample_clip

LOWER_BODY = list(range(23, 33))


@pytest.mark.parametrize(("movement", "view"), [("deep_squat", "front"),
                                                ("deep_squat", "side_left")])
def test_landmarks_land_where_the_body_is(movement, view, settings):
    clip, label = sample_clip(movement=movement, view=view)
    info, seq = extract_pose(clip, resolve_model(), settings)
    truth = np.load(clip.with_name(clip.stem + ".truth.npz"))["image_xy"]
    assert len(seq) == label["frames"] == len(truth)
    assert (info.width, info.height) == (label["width"], label["height"])
    assert seq.detected_fraction > 0.95
    err = np.linalg.norm(seq.image[:, LOWER_BODY, :2] - truth[:, LOWER_BODY], axis=-1)
    assert np.nanmean(err) < 15.0  # pixels, on a 640x480 frame
    # World landmarks are metres: a leg (hip to ankle) is 0.6-1.1 m long.
    leg = np.linalg.norm(seq.world[:, 23] - seq.world[:, 27], axis=-1)
    assert 0.6 < np.nanmedian(leg) < 1.1


def test_timestamps_are_real_seconds(settings):
    clip, label = sample_clip()
    with VideoFileSource(clip) as source:
        stamps = [f.timestamp_s for f in source]
    assert stamps[0] == pytest.approx(0.0, abs=1e-3)
    assert np.diff(stamps) == pytest.approx(np.full(len(stamps) - 1, 1 / label["fps"]),
                                             abs=1e-3)


def test_live_stream_mode_returns_poses_for_frames(settings):
    clip, _ = sample_clip(movement="deep_squat", view="front")
    with VideoFileSource(clip) as source, \
            LivePoseEstimator(resolve_model(), settings.pose) as live:
        for frame in source:
            live.submit(frame.rgb, frame.timestamp_s)
            if frame.index >= 20:
                break
        deadline = time.monotonic() + 10
        while live.latest() is None and time.monotonic() < deadline:
            time.sleep(0.05)
    latest = live.latest()
    assert latest is not None
    t, pose = latest
    assert pose is not None and 0 <= t <= 1.0
    hips_y, ankles_y = pose.image[[23, 24], 1].mean(), pose.image[[27, 28], 1].mean()
    assert hips_y < ankles_y  # hips above the feet


def test_frames_are_streamed_not_kept(settings):
    """Peak Python-side memory stays at a few frames, not the whole video."""
    import tracemalloc

    clip, label = sample_clip()
    frame_bytes = label["width"] * label["height"] * 3
    tracemalloc.start()
    try:
        _, seq = extract_pose(clip, resolve_model(), settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(seq) > 100
    assert peak < 10 * frame_bytes  # a whole clip of frames would be > 100 frames' worth


def test_rotation_metadata_is_honoured(tmp_path, settings):
    from .media import rotated_copy

    clip, label = sample_clip(movement="lunge", view="front", clean=True)
    turned = rotated_copy(clip, tmp_path / "phone.mp4")
    info, seq = extract_pose(turned, resolve_model(), settings)
    assert info.rotation_deg == 90
    assert (info.width, info.height) == (label["height"], label["width"])  # portrait now
    assert seq.detected_fraction > 0.9
    # Shown the right way up the person is... lying on their side: the hips are beside the
    # ankles in x, not above them in y, which proves the frames were really turned.
    hips = seq.image[:, [23, 24], :2].mean(axis=1)
    ankles = seq.image[:, [27, 28], :2].mean(axis=1)
    d = np.nanmedian(np.abs(hips - ankles), axis=0)
    assert d[0] > 2 * d[1]
