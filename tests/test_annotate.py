"""The annotated video and the report's key frames: every frame drawn with its own pose,
whatever `[pose] frame_step` is, under the user's [input] limits, from one more decode."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pytest

from screening.core.settings import InputSettings
from screening.io import video
from screening.io.annotate import pose_rows, write_annotated
from screening.io.frame_store import FrameStore
from screening.io.video import Frame, VideoFileSource
from screening.pose.model_file import resolve_model

from .media import sample_clip


def _frames_in(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(container.streams.video[0]))


def test_each_frame_is_drawn_with_the_latest_pose_at_or_before_it():
    analysed = np.array([0, 2, 4, 6, 8])
    assert [pose_rows(analysed, i) for i in range(10)] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert pose_rows(np.array([3, 6]), 1) == -1  # before the first analysed frame


def test_with_frame_step_2_every_frame_is_written_and_key_frames_kept(tmp_path):
    """Half as many poses as frames: the video still has every frame (it used to stop
    halfway, drawing the skeleton at double speed), and the frames asked for are kept."""
    frames = [
        Frame(index=i, timestamp_s=i / 10, rgb=np.full((64, 48, 3), 20 * i, np.uint8))
        for i in range(10)
    ]
    analysed = np.arange(0, 10, 2)
    image = np.zeros((5, 33, 3))
    image[:, :, :2] = 24.0
    store = FrameStore(max_side_px=64, jpeg_quality=95)
    out = write_annotated(
        frames,
        image,
        np.ones((5, 33)),
        analysed,
        np.arange(5),
        tmp_path / "a.mp4",
        10.0,
        48,
        64,
        keep={3, 7},
        store=store,
    )
    assert _frames_in(out) == 10
    assert len(store) == 2 and store.nearest(3) == 3
    kept = store.get(7)
    assert kept is not None and abs(float(kept.mean()) - 140) < 3  # frame 7, not frame 3


@pytest.mark.slow
def test_annotate_and_report_decode_once_more_under_the_users_limits(
    tmp_path, settings, monkeypatch
):
    """Scoring with --annotate and --report reads the file twice (pose, then drawing and
    key frames together), each time under the user's [input] limits: with the packaged
    limits made too small for this clip, the user's own still let it through."""
    from screening.batch.runner import Job, ScoreOptions, score_job

    clip, label = sample_clip(movement="deep_squat", view="side_left", clean=False)
    monkeypatch.setattr(
        video,
        "_default_limits",
        lambda: InputSettings(**{**vars(settings.input), "max_frames": 10}),
    )
    opened = []
    real_init = VideoFileSource.__init__

    def counting_init(self, path, limits=None):
        opened.append(limits)
        real_init(self, path, limits)

    monkeypatch.setattr(VideoFileSource, "__init__", counting_init)
    every_other = replace(settings, pose=replace(settings.pose, frame_step=2))
    options = ScoreOptions(
        model=resolve_model(),
        settings=every_other,
        annotate_dir=str(tmp_path / "ann"),
        report_dir=str(tmp_path / "rep"),
    )
    record = score_job(Job(str(clip), ""), options)
    assert record.ok, record.error
    assert record.findings, "a clip with a fault, so the report has key frames to show"
    assert len(opened) == 2 and all(limits is every_other.input for limits in opened)
    assert _frames_in(tmp_path / "ann" / f"{clip.stem}.annotated.mp4") == label["frames"]
    (html,) = (tmp_path / "rep").glob("*.html")
    assert "data:image/jpeg" in html.read_text()  # the key frame, from the drawing pass
