"""Takes: a live webcam take or a video file, screened with the CLI's own analysis.

Threads: the WebRTC frame callback must return quickly or the picture lags. So the callback
only leaves the frame for a worker thread (replacing, i.e. dropping, a frame the worker has
not started yet) and draws the newest pose it has. The worker runs the pose model and the
session (`screening.live.session`), and keeps the recorded take. A take, live or from a
file (`Capture`), goes through `screen_captures`, which is the CLI's own analysis
(`screen_sources` + `analyse_pose`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import av
import numpy as np

from screening.core.codes import View
from screening.core.filtering import OneEuroFilter
from screening.core.sequence import FramePose, PoseSequence
from screening.core.settings import Settings
from screening.engine.pipeline import (
    Analysis,
    ProgressCallback,
    analyse_pose,
    extract_pose,
    screen_sources,
)
from screening.io.frame_store import FrameSource, FrameStore
from screening.io.record import ScreeningRecord
from screening.io.video import VideoFileSource, VideoInfo
from screening.live.guidance import (
    frame_brightness,
)
from screening.live.session import LiveSession, LiveStatus, Phase, draw_overlay
from screening.pose.estimator import PoseEstimator
from screening.pose.model_file import ModelInfo


@dataclass
class Capture:
    """One take of a movement: the landmarks found in it and where its frames can be seen.

    Made by the live screen (frames kept in memory) or from a video file (`capture_file`);
    either way `screen_captures` analyses it exactly as the CLI analyses a file.
    """

    label: str
    info: VideoInfo
    raw: PoseSequence
    frames: FrameSource | None = None
    stop_reason: str = ""

    def analyse(
        self, settings: Settings, movement: str | None = None, view: str | None = None
    ) -> Analysis:
        return analyse_pose(self.info, self.raw, settings, movement=movement, view=view)


def capture_file(
    path: str | Path,
    label: str,
    model: ModelInfo,
    settings: Settings,
    progress: ProgressCallback | None = None,
) -> Capture:
    """A take from a video file; its frames are kept in memory, so the file can go."""
    info, raw = extract_pose(path, model, settings, progress)
    live = settings.live
    store = FrameStore(live.keep_frame_max_side_px, live.keep_frame_jpeg_quality)
    # A long video keeps every k-th frame, so memory stays bounded; key frames then show
    # the nearest kept frame with its own skeleton.
    step = max(1, -(-len(raw) // live.keep_max_frames))
    with VideoFileSource(path, settings.input) as source:
        for frame in source:
            if frame.index % step == 0:
                store.add(frame.index, frame.rgb, frame.timestamp_s)
    return Capture(label, info, raw, store)


def screen_captures(
    takes: dict[str, Capture],
    model: ModelInfo,
    settings: Settings,
    *,
    movement: str | None = None,
    view: str | None = None,
    pain: dict[str, float] | None = None,
    retakes: dict[str, Capture] | None = None,
) -> tuple[ScreeningRecord, list[Analysis]]:
    """Score one person's takes (e.g. front and side) and retakes with the CLI's engine."""
    by_label = {**takes, **{c.label: c for c in (retakes or {}).values()}}

    def analyser(label: str, movement: str | None, view: str | None) -> Analysis:
        return by_label[label].analyse(settings, movement, view)

    return screen_sources(
        list(takes),
        analyser,
        model,
        movement=movement,
        view=view,
        pain=pain,
        retakes={kind: c.label for kind, c in (retakes or {}).items()},
    )


EstimatorFactory = Callable[[int], PoseEstimator]
"""num_poses -> a pose estimator in VIDEO mode (tracking across frames)."""


@dataclass
class _Mailbox:
    """The newest frame waiting for the worker; a newer one replaces (drops) it."""

    frame: tuple[np.ndarray, float] | None = None
    dropped: int = 0
    closed: bool = False
    lock: threading.Condition = field(default_factory=threading.Condition)


class LiveCapture:
    """A live take: the frame callback, the worker that runs the model, and the result.

    threaded=False processes every frame inside `on_frame` (tests, benchmarks, replaying
    a file); threaded=True is for a real stream, where frames the model cannot keep up with
    are dropped rather than queued, so the picture never lags behind the person.

    While setting up, the model looks for two people (to ask a second one to leave);
    while recording, for one, which is faster.
    """

    def __init__(
        self,
        model: ModelInfo,
        settings: Settings,
        *,
        label: str = "webcam",
        views: frozenset[View] | None = None,
        target_reps: int | None = None,
        threaded: bool = True,
        estimator_factory: EstimatorFactory | None = None,
    ) -> None:
        self.label = label
        self.session = LiveSession(settings, views, target_reps)
        self.frames = FrameStore(
            settings.live.keep_frame_max_side_px, settings.live.keep_frame_jpeg_quality
        )
        self._factory = estimator_factory or (
            lambda n: PoseEstimator(model, settings.pose, num_poses=n)
        )
        self._estimators: dict[int, PoseEstimator] = {}
        self._smooth = OneEuroFilter(
            settings.filter.one_euro_min_cutoff_hz,
            settings.filter.one_euro_beta,
            settings.filter.one_euro_d_cutoff_hz,
        )
        self._box = _Mailbox()
        self._session_lock = threading.Lock()
        self._received = 0
        self._processed = 0
        self._status = self.session.status(None, 0, 0)
        self.threaded = threaded
        self._worker: threading.Thread | None = None

    # -- the frame callback side (must stay cheap) ---------------------------------------

    def on_frame(self, rgb: np.ndarray, timestamp_s: float) -> np.ndarray:
        """Hand over one frame; returns it with the overlay. Never waits for the model."""
        with self._box.lock:
            self._received += 1
            if self._box.closed:
                status = self._status
            else:
                if self._box.frame is not None:
                    self._box.dropped += 1
                self._box.frame = (rgb, timestamp_s)
                self._box.lock.notify()
                status = self._status
        if self.threaded:
            self._ensure_worker()
        else:
            self._drain()
            status = self.status()
        return draw_overlay(rgb, status)

    def status(self) -> LiveStatus:
        with self._box.lock:
            return self._status

    @property
    def dropped(self) -> int:
        with self._box.lock:
            return self._box.dropped

    # -- the worker side ------------------------------------------------------------------

    def _ensure_worker(self) -> None:
        if self._worker is None:
            self._worker = threading.Thread(target=self._run, name="live-pose", daemon=True)
            self._worker.start()

    def _run(self) -> None:
        try:
            # Load both models now, while the person gets into place: loading one later,
            # as recording starts, would stall the picture for a moment.
            for people in (2, 1):
                self._estimator(people)
            while True:
                with self._box.lock:
                    while self._box.frame is None and not self._box.closed:
                        self._box.lock.wait()
                    if self._box.closed:
                        return
                self._drain()
        finally:
            self._close_estimators()

    def _drain(self) -> None:
        """Process the waiting frame, if any."""
        with self._box.lock:
            item, self._box.frame = self._box.frame, None
        if item is not None:
            self._process(*item)

    def _estimator(self, people: int | None = None) -> PoseEstimator:
        """The model for this phase: two people while setting up (to spot a second person),
        one while recording (faster)."""
        if people is None:
            people = 1 if self.session.phase is Phase.RECORDING else 2
        if people not in self._estimators:
            self._estimators[people] = self._factory(people)
        return self._estimators[people]

    def _process(self, rgb: np.ndarray, timestamp_s: float) -> None:
        pose = self._estimator().estimate(rgb, timestamp_s)
        h, w = rgb.shape[:2]
        with self._session_lock:  # a stop from another thread waits for this frame
            index = self.session.update(timestamp_s, pose, frame_brightness(rgb), w, h)
        if index is not None:
            self.frames.add(index, rgb, timestamp_s)
        shown = None
        if pose is not None:
            smooth = self._smooth(pose.image, timestamp_s)
            shown = FramePose(smooth, pose.world, pose.visibility, pose.presence, pose.people)
        with self._box.lock:
            self._processed += 1
            self._status = replace(
                self.session.status(shown, self._received, self._processed),
                pose_timestamp_s=timestamp_s,
            )
            if self.session.phase is Phase.DONE:
                self._box.closed = True
                self._box.lock.notify_all()

    def _close_estimators(self) -> None:
        for estimator in self._estimators.values():
            estimator.close()
        self._estimators.clear()

    # -- ending and the result ------------------------------------------------------------

    def choose_views(self, views: frozenset[View] | None) -> None:
        """The page's view choice, as it is now (see `LiveSession.choose_views`)."""
        with self._session_lock:
            self.session.choose_views(views)

    def stop(self, reason: str = "stopped", wait: bool = True) -> None:
        """End the take now (the stop button, or the stream went away); safe to repeat.

        wait=False returns at once (for callbacks on the WebRTC event loop, which must not
        block); the worker then closes the models itself as it ends.
        """
        with self._session_lock:
            self.session.finish(reason)
        with self._box.lock:
            self._box.closed = True
            self._box.lock.notify_all()
            self._status = replace(
                self.session.status(self._status.pose, self._received, self._processed),
                pose_timestamp_s=self._status.pose_timestamp_s,
            )
        if self._worker is None:
            self._close_estimators()
        elif wait:
            self._worker.join(timeout=5.0)

    def take(self) -> Capture:
        """The recorded take (after the session is done) in the form the analysis reads."""
        seq_builder = self.session.builder
        width, height = self.session.size
        raw = seq_builder.build(width=width, height=height)
        duration = float(raw.timestamps_s[-1] - raw.timestamps_s[0]) if len(raw) > 1 else 0.0
        fps = (len(raw) - 1) / duration if duration > 0 else 30.0
        raw = replace(raw, fps=fps)
        info = VideoInfo(
            path=self.label,
            fps=fps,
            declared_frames=len(raw),
            width=width,
            height=height,
            rotation_deg=0,
        )
        return Capture(self.label, info, raw, self.frames, self.session.stop_reason)


def frame_callback(capture: LiveCapture) -> Callable[[av.VideoFrame], av.VideoFrame]:
    """The function streamlit-webrtc calls with each webcam frame (in its own thread).

    Thin on purpose: convert, hand the frame to the capture, return it with the overlay.
    The frame's own time stamp (from the browser) is the clock, so a late frame is judged
    by when it was filmed, not when it arrived.
    """

    def on_video_frame(frame: av.VideoFrame) -> av.VideoFrame:
        timestamp = frame.time if frame.time is not None else time.monotonic()
        out = capture.on_frame(frame.to_ndarray(format="rgb24"), float(timestamp))
        shown = av.VideoFrame.from_ndarray(out, format="rgb24")
        shown.pts, shown.time_base = frame.pts, frame.time_base
        return shown

    return on_video_frame


def replay(
    capture: LiveCapture,
    frames: list[np.ndarray],
    fps: float,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    """Feed frames to a capture as a camera would; returns each call's latency in seconds.

    With a threaded capture this paces the frames at `fps` in real time (frames the model
    cannot keep up with are dropped); unthreaded, every frame is processed in turn.
    """
    latencies = []
    start = clock()
    for i, rgb in enumerate(frames):
        t = i / fps
        if capture.threaded:
            delay = start + t - clock()
            if delay > 0:
                time.sleep(delay)
        before = clock()
        capture.on_frame(rgb, t)
        latencies.append(clock() - before)
    return latencies
