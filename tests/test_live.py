"""The live screen without a browser: guidance, rep counter, the take, dropping frames.

The pose model runs for real on frames of the sample clips; only the frame-dropping test
uses a stand-in model, because it needs a model that is busy for exactly as long as the
test says.
"""

from __future__ import annotations

import threading
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from screening.core.codes import View
from screening.core.landmarks import Landmark
from screening.core.sequence import FramePose
from screening.core.settings import load_settings
from screening.io.frame_store import FrameStore
from screening.live.capture import (
    LiveCapture,
    capture_file,
    frame_callback,
    replay,
    screen_captures,
)
from screening.live.guidance import (
    FEET_OUT,
    HEAD_OUT,
    NOBODY,
    NOTHING_RECORDED,
    SIDE_VIEWS,
    TOO_DARK,
    TWO_PEOPLE,
    VIEW_ADVICE,
    frame_brightness,
    guidance_problems,
)
from screening.live.rep_counter import RepCounter
from screening.live.session import LiveSession, Phase
from screening.pose.estimator import PoseEstimator
from screening.pose.model_file import resolve_model
from screening.report.evidence import key_frames

from .browser import HEEL_LIFT_SIDE, KNEE_VALGUS_FRONT, LUNGE_BALANCE_FRONT, named_clip
from .builders import SAMPLES
from .media import read_frames, sample_labels

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model():
    return resolve_model()


@pytest.fixture(scope="module")
def heel_clip() -> tuple[Path, dict]:
    return named_clip(HEEL_LIFT_SIDE)


@pytest.fixture(scope="module")
def quick_settings(tmp_path_factory):
    """Defaults with a short hold and countdown, so a 9-second clip holds a whole take."""
    path = tmp_path_factory.mktemp("settings") / "quick.toml"
    path.write_text("[live]\nready_hold_s = 0.3\ncountdown_s = 0.5\n")
    return load_settings(path)


def _poses(model, frames: list[np.ndarray], num_poses: int = 2) -> list[FramePose | None]:
    with PoseEstimator(model, load_settings().pose, num_poses=num_poses) as estimator:
        return [estimator.estimate(f, i / 30) for i, f in enumerate(frames)]


def _problems(model, settings, rgb: np.ndarray, views=SIDE_VIEWS) -> list[str]:
    # A few repeats let the tracker settle, as on a live stream.
    pose = _poses(model, [rgb] * 3)[-1]
    h, w = rgb.shape[:2]
    return guidance_problems(pose, frame_brightness(rgb), w, h, views, settings)


def test_guidance_accepts_a_good_start_and_names_each_problem(model, settings, heel_clip):
    standing = read_frames(heel_clip[0], limit=1)[0]  # side view, standing, head to feet
    assert heel_clip[1]["view"] == "side_right"
    assert _problems(model, settings, standing) == []
    assert _problems(model, settings, standing, frozenset({View.FRONT})) == [
        VIEW_ADVICE[frozenset({View.FRONT})]
    ]
    assert TOO_DARK in _problems(model, settings, (standing * 0.12).astype(np.uint8))
    # The camera tilted down or up: the head or the feet are outside the picture.
    assert HEAD_OUT in _problems(model, settings, np.ascontiguousarray(standing[110:]))
    assert FEET_OUT in _problems(model, settings, np.ascontiguousarray(standing[:380]))
    assert _problems(model, settings, np.full_like(standing, 128)) == [NOBODY]
    half = standing[:, 160:480]
    assert TWO_PEOPLE in _problems(model, settings, np.concatenate([half, half], axis=1))


def _hips_at(drop_px: float) -> FramePose:
    """A pose whose hips are `drop_px` below standing (hips 200 px above the ankles)."""
    image = np.zeros((33, 3))
    image[[Landmark.LEFT_HIP, Landmark.RIGHT_HIP], 1] = 200.0 + drop_px
    image[[Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE], 1] = 400.0
    ones = np.ones(33)
    return FramePose(image=image, world=np.zeros((33, 3)), visibility=ones, presence=ones, people=1)


def test_a_rep_begun_before_recording_is_not_counted():
    """Squatting when the countdown ends: the rising half is recorded, but like the screen
    of the recording the live counter does not count it; the next full rep counts."""
    counter = RepCounter(0.2, 0.08)
    t = iter(np.arange(100) / 30)
    for drop in (0, 0, 60, 100):
        counter.update(_hips_at(drop), next(t))
    counter.restart_count()  # recording starts here, at the bottom of a rep
    for drop in (60, 0, 0):
        counter.update(_hips_at(drop), next(t))
    assert (counter.count, counter.skipped) == (0, 1)
    for drop in (60, 100, 60, 0):
        counter.update(_hips_at(drop), next(t))
    assert (counter.count, counter.skipped) == (1, 1)


def test_the_guide_follows_the_view_chosen_while_the_camera_is_on(model, settings, heel_clip):
    """A person standing side-on is told to face the camera while "front" is chosen;
    choosing "side" on the page, with the camera still on, makes the same stance right."""
    standing = read_frames(heel_clip[0], limit=1)[0]
    h, w = standing.shape[:2]
    poses = _poses(model, [standing] * 3)
    session = LiveSession(settings, frozenset({View.FRONT}))
    for i, pose in enumerate(poses):
        session.update(i / 30, pose, frame_brightness(standing), w, h)
    assert session.problems == [VIEW_ADVICE[frozenset({View.FRONT})]]
    session.choose_views(SIDE_VIEWS)
    session.update(3 / 30, poses[-1], frame_brightness(standing), w, h)
    assert session.problems == []
    assert session.phase is Phase.SETUP


@pytest.mark.parametrize("name", [HEEL_LIFT_SIDE, LUNGE_BALANCE_FRONT])
def test_rep_counter_counts_the_reps_of_a_clip(model, settings, name):
    clip, label = named_clip(name)
    poses = _poses(model, read_frames(clip), num_poses=1)
    counter = RepCounter(settings.live.rep_down_fraction, settings.live.rep_up_fraction)
    counts = [counter.update(p, i / 30) for i, p in enumerate(poses)]
    assert counts[-1] == len(label["reps"]) == 3
    # Each rep is counted once the hips are back up, between its bottom and the next start.
    for k, rep in enumerate(label["reps"]):
        done_at = counts.index(k + 1)
        assert rep["bottom_frame"] < done_at <= rep["end_frame"] + 10


@pytest.mark.slow
def test_the_live_count_and_the_results_reps_agree_on_every_sample_clip(model, settings):
    """The big number while filming and the reps in the result are one count for the
    person: the live counter (hips against standing, frame by frame) and the rep finder
    (the whole take at once) agree with each other and with the truth on every sample."""
    from screening.engine.pipeline import analyse_pose, extract_pose

    disagree = []
    for name, label in sorted(sample_labels().items()):
        info, raw = extract_pose(SAMPLES / name, model, settings)
        counter = RepCounter(settings.live.rep_down_fraction, settings.live.rep_up_fraction)
        for i in range(len(raw)):
            pose = FramePose(raw.image[i], raw.world[i], raw.visibility[i], raw.presence[i], 1)
            counter.update(pose, float(raw.timestamps_s[i]))
        found = len(analyse_pose(info, raw, settings).context.reps)
        if not counter.count == found == len(label["reps"]):
            disagree.append(
                f"{name}: live {counter.count}, result {found}, truth {len(label['reps'])}"
            )
    assert not disagree, disagree


def test_live_take_is_guided_counted_and_screened_like_a_file(model, quick_settings, heel_clip):
    clip, label = heel_clip
    frames = read_frames(clip)
    capture = LiveCapture(model, quick_settings, views=SIDE_VIEWS, target_reps=2, threaded=False)
    phases = []
    for i, rgb in enumerate(frames):
        shown = capture.on_frame(rgb, i / 30)
        phase = capture.status().phase
        if not phases or phases[-1] != phase:
            phases.append(phase)
    capture.stop()
    assert phases == [Phase.SETUP, Phase.COUNTDOWN, Phase.RECORDING, Phase.DONE]
    assert capture.status().stop_reason == "2 reps recorded"
    assert shown.shape == frames[-1].shape and not np.array_equal(shown, frames[-1])
    take = capture.take()
    assert len(take.raw) == len(capture.frames) > 100
    record, analyses = screen_captures({take.label: take}, model, quick_settings)
    assert record.ok, record.error
    assert record.view == label["view"] and record.movement == label["movement"]
    assert len(record.reps) == 2
    assert {f.code for f in record.findings} == {"heel_lift"}
    assert record.route == "mobility"
    # The key frame comes from the frames kept in memory: no video was stored.
    heel = next(c for c in analyses[0].checks if c.code.value == "heel_lift")
    shots = key_frames(take.frames, analyses[0], heel.findings[:1])
    assert len(shots) == 1 and shots[0].image.shape[2] == 3


def test_front_and_side_takes_from_files_combine(model, tmp_path):
    front, _ = named_clip(KNEE_VALGUS_FRONT)
    side, _ = named_clip(HEEL_LIFT_SIDE)
    few = tmp_path / "few.toml"  # keep at most 50 frames of each clip in memory
    few.write_text("[live]\nkeep_max_frames = 50\n")
    settings = load_settings(few)
    takes = {
        name: capture_file(path, name, model, settings)
        for name, path in (("front clip", front), ("side clip", side))
    }
    record, analyses = screen_captures(takes, model, settings, pain={"knees": 0.0})
    assert record.ok, record.error
    assert record.sources == {"front clip": "front", "side clip": "side_right"}
    assert {"knee_valgus", "heel_lift"} <= {f.code for f in record.findings}
    assert len(analyses) == 2
    side_take = takes["side clip"]
    step = -(-len(side_take.raw) // 50)
    assert len(side_take.frames) == len(range(0, len(side_take.raw), step)) <= 50
    heel = next(c for c in analyses[1].checks if c.code.value == "heel_lift")
    shot = key_frames(side_take.frames, analyses[1], heel.findings[:1])[0]
    wanted = heel.findings[0].frames[len(heel.findings[0].frames) // 2]
    assert shot.frame % step == 0 and abs(shot.frame - wanted) <= step // 2
    painful, _ = screen_captures(takes, model, settings, pain={"knees": 3.0})
    assert painful.route == "pain" and painful.score["fms"] == 0


class _BusyModel:
    """Stands in for the pose model: each call waits until the test lets it finish."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.seen: list[float] = []

    def estimate(self, rgb: np.ndarray, timestamp_s: float) -> None:
        self.seen.append(timestamp_s)
        self.started.set()
        self.release.wait(10)

    def close(self) -> None:
        self.release.set()


def test_a_busy_model_drops_frames_instead_of_queueing_them(settings):
    busy = _BusyModel()
    capture = LiveCapture(None, settings, estimator_factory=lambda n: busy)  # type: ignore[arg-type]
    frame = np.zeros((48, 64, 3), np.uint8)
    capture.on_frame(frame, 0.0)
    assert busy.started.wait(10)
    for k in range(1, 6):  # the model is still busy with frame 0: each waits its turn alone
        out = capture.on_frame(frame, k / 30)
        assert out.shape == frame.shape
    assert capture.dropped == 4  # frames 1-4 were replaced by newer ones before their turn
    busy.release.set()
    for _ in range(1000):
        if capture.status().processed == 2:
            break
        time.sleep(0.01)
    capture.stop()
    assert busy.seen == [0.0, 5 / 30]  # only the newest waiting frame was processed
    assert capture.status().phase is Phase.DONE


def test_frame_callback_returns_the_frame_with_the_overlay(model, settings, heel_clip):
    rgb = read_frames(heel_clip[0], limit=1)[0]
    capture = LiveCapture(model, settings, views=SIDE_VIEWS, threaded=False)
    callback = frame_callback(capture)
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
    frame.pts, frame.time_base = 3000, Fraction(1, 90000)
    shown = callback(frame)
    capture.stop()
    assert (shown.width, shown.height, shown.pts, shown.time_base) == (
        640,
        480,
        3000,
        Fraction(1, 90000),
    )
    assert capture.status().pose_timestamp_s == pytest.approx(3000 / 90000)
    drawn = shown.to_ndarray(format="rgb24")
    assert np.abs(drawn.astype(int) - rgb).max() > 100  # skeleton and instruction drawn


def test_stop_button_ends_a_take_with_nothing_recorded(model, settings):
    capture = LiveCapture(model, settings, threaded=True)
    latencies = replay(capture, [np.full((120, 160, 3), 128, np.uint8)] * 5, fps=30)
    assert len(latencies) == 5
    capture.stop("stopped by you")
    status = capture.status()
    assert status.phase is Phase.DONE and status.stop_reason == "stopped by you"
    # The picture and the page say the same: nothing recorded, no reps, what to do now.
    assert status.message == NOTHING_RECORDED and status.reps == 0
    assert len(capture.take().raw) == 0


def test_frame_store_keeps_frames_small_and_faithful():
    rng = np.random.default_rng(1)
    big = (rng.random((960, 1280, 3)) * 40 + 100).astype(np.uint8)
    store = FrameStore(max_side_px=640, jpeg_quality=80)
    store.add(7, big, 0.25)
    back = store.get(7)
    assert back.shape == (480, 640, 3) and store.scale == 0.5
    assert abs(float(back.mean()) - float(big.mean())) < 2
    assert store.get(8) is None
    assert [(f.index, f.timestamp_s) for f in store.frames()] == [(7, 0.25)]
    assert store.nbytes() < big.nbytes / 10
    for i in (20, 30):
        store.add(i, big, i / 30)
    assert [store.nearest(i) for i in (7, 12, 14, 25, 99)] == [7, 7, 20, 20, 30]
    assert FrameStore().nearest(3) is None
