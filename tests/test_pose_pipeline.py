"""The real pose model on rendered clips with known truth: landmarks land on the body."""

from __future__ import annotations

import numpy as np
import pytest

from screening.engine.pipeline import extract_pose
from screening.io.video import VideoFileSource
from screening.pose.model_file import resolve_model

from .builders import SAMPLES
from .media import read_frames, sample_clip, sample_labels, write_frames

LOWER_BODY = list(range(23, 33))


@pytest.mark.parametrize(
    ("movement", "view"), [("deep_squat", "front"), ("deep_squat", "side_left")]
)
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
    assert np.diff(stamps) == pytest.approx(np.full(len(stamps) - 1, 1 / label["fps"]), abs=1e-3)


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


def test_an_edited_video_is_scored_shot_by_shot(tmp_path, settings):
    """Two clips spliced mid-rep, as a web video cuts to another camera: the real model's
    landmarks show one cut, the rep it runs through is left out with a warning, and the
    whole reps on either side are kept."""
    from screening.engine.pipeline import score_video

    labels = sample_labels()
    first, second = "deep_squat__side_left__clean.mp4", "deep_squat__side_left__clean_2.mp4"
    cut_at = labels[first]["reps"][1]["bottom_frame"]  # mid-rep 2 of the first clip
    resume = labels[second]["reps"][2]["start_frame"] - 13  # standing before its rep 3
    frames = read_frames(SAMPLES / first)[:cut_at] + read_frames(SAMPLES / second)[resume:]
    record = score_video(write_frames(tmp_path / "edited.mp4", frames), resolve_model(), settings)
    assert record.ok, record.error
    assert record.warnings == [
        "the video cuts between shots (1 cut found); each rep is "
        "measured within its own shot; reps cut in two were left "
        "out: 1"
    ]
    kept = [(r.start_frame, r.end_frame) for r in record.reps]
    assert len(kept) == 2
    assert kept[0][1] < cut_at <= kept[1][0]  # one rep from each shot, neither across the cut
    assert not record.findings
