"""The live webcam screen, frame by frame: guidance, countdown, rep counter and the take.

Plain Python and numpy, no Streamlit: the page (screening/app/capture.py) hands each webcam
frame to `LiveCapture.on_frame` and reads `LiveCapture.status()`; tests and the latency
benchmark feed the frames of a sample clip the same way, without a browser.

Threads: the WebRTC frame callback must return quickly or the picture lags. So the callback
only leaves the frame for a worker thread (replacing, i.e. dropping, a frame the worker has
not started yet) and draws the newest pose it has. The worker runs the pose model, the
guidance checks, the countdown and the rep counter, and keeps the recorded take. A take,
live or from a file (`Capture`), goes through `screen_captures`, which is the CLI's own
analysis (`screen_sources` + `analyse_pose`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

import av
import cv2
import numpy as np

from screening.core.codes import View
from screening.core.filtering import OneEuroFilter
from screening.core.landmarks import Landmark as L
from screening.core.scene import classify_view
from screening.core.sequence import FramePose, PoseSequence, SequenceBuilder
from screening.core.settings import LiveSettings, Settings
from screening.engine.pipeline import (
    Analysis,
    ProgressCallback,
    analyse_pose,
    extract_pose,
    screen_sources,
)
from screening.io.annotate import draw_label, draw_pose
from screening.io.frame_store import FrameSource, FrameStore
from screening.io.record import ScreeningRecord
from screening.io.video import VideoFileSource, VideoInfo
from screening.pose.estimator import PoseEstimator
from screening.pose.model_file import ModelInfo

FEET = (
    L.LEFT_ANKLE,
    L.RIGHT_ANKLE,
    L.LEFT_HEEL,
    L.RIGHT_HEEL,
    L.LEFT_FOOT_INDEX,
    L.RIGHT_FOOT_INDEX,
)
HEAD = (L.NOSE, L.LEFT_EYE, L.RIGHT_EYE, L.LEFT_EAR, L.RIGHT_EAR)
SIDE_VIEWS = frozenset({View.SIDE_LEFT, View.SIDE_RIGHT})


class Phase(StrEnum):
    """Where a live screen is: getting set up, counting down, recording, finished."""

    SETUP = "setup"
    COUNTDOWN = "countdown"
    RECORDING = "recording"
    DONE = "done"


VIEW_ADVICE = {
    frozenset({View.FRONT}): "Face the camera.",
    SIDE_VIEWS: "Turn sideways to the camera.",
    frozenset({View.OBLIQUE}): "Turn halfway (about 45 degrees) to the camera.",
}
"""What to say when the person stands at the wrong angle for the view being filmed."""

TOO_DARK = "It is too dark: switch on a light or face a window."
NOBODY = "Step into the picture so the camera can see all of you."
TWO_PEOPLE = "Only one person in the picture, please."
HEAD_OUT = "Step back until your head is in the picture."
FEET_OUT = "Step back until your feet are in the picture."
TOO_FAR = "Come a little closer to the camera."
NOTHING_RECORDED = (
    "Nothing was recorded. To try again, follow the instructions on the "
    "picture (start the camera if it is off)."
)
COUNTDOWN_STOPPERS = frozenset({TOO_DARK, NOBODY, TWO_PEOPLE, HEAD_OUT, FEET_OUT})
"""Problems that stop a countdown. The others (too far, turned the wrong way) are checked
standing still before it starts; squatting during the countdown shrinks and turns the
body in the picture, which must not restart it."""


def frame_brightness(rgb: np.ndarray) -> float:
    """Mean brightness 0-255 of a frame (every 8th pixel is plenty and costs ~0.1 ms)."""
    sample = rgb[::8, ::8].astype(np.float32)
    return float((sample @ np.array([0.299, 0.587, 0.114], np.float32)).mean())


def single_frame(pose: FramePose, width: int, height: int) -> PoseSequence:
    """One pose as a one-frame sequence, so the offline view classifier can judge it."""
    builder = SequenceBuilder(fps=30.0)
    builder.add(0, 0.0, pose)
    return builder.build(width=width, height=height)


def _head_top_y(pose: FramePose) -> float:
    """Where the top of the head is in the picture (pixels from the top).

    The model has no landmark on the crown, and it places face points confidently even
    outside the frame; the crown sits above the ears by about half the ear-to-shoulder
    distance.
    """
    face_top = float(np.nanmin(pose.image[list(HEAD), 1]))
    ears = np.nanmean(pose.image[[L.LEFT_EAR, L.RIGHT_EAR], :2], axis=0)
    shoulders = np.nanmean(pose.image[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER], :2], axis=0)
    return face_top - 0.5 * float(np.linalg.norm(shoulders - ears))


def guidance_problems(
    pose: FramePose | None,
    brightness: float,
    width: int,
    height: int,
    views: frozenset[View] | None,
    settings: Settings,
) -> list[str]:
    """What stops this frame from being a good start, in the words shown to the person.

    Empty when the light is good enough, exactly one person is seen from head to feet, big
    enough to measure, and turned the way the chosen view needs (`views`; None = any).
    """
    live = settings.live
    problems = []
    if brightness < live.min_brightness:
        problems.append(TOO_DARK)
    if pose is None:
        return [*problems, NOBODY]
    if pose.people > 1:
        problems.append(TWO_PEOPLE)
    margin = live.edge_margin_fraction * height
    head_top, head_seen = _head_top_y(pose), pose.visibility[L.NOSE] >= live.min_visibility
    feet_y = float(np.nanmax(pose.image[list(FEET), 1]))
    feet_seen = pose.visibility[list(FEET)].max() >= live.min_visibility
    if not head_seen or head_top < margin:
        problems.append(HEAD_OUT)
    if not feet_seen or feet_y > height - margin:
        problems.append(FEET_OUT)
    elif head_seen and feet_y - head_top < live.min_body_fraction * height:
        problems.append(TOO_FAR)
    if views is not None:
        view, _ = classify_view(single_frame(pose, width, height), np.array([0]), settings.context)
        if view not in views:
            problems.append(VIEW_ADVICE.get(views, "Turn to face the camera as chosen."))
    return problems


class RepCounter:
    """Counts reps online from the height of the hips, with hysteresis.

    A rep starts when the hips drop `down_fraction` of the standing hip-to-ankle height below
    the highest they have been, and ends when they come back within `up_fraction` of it.
    Heights are image pixels: the camera does not move during a take, and both references
    (highest hips, longest hip-to-ankle height) are learnt from the person standing.
    """

    def __init__(self, down_fraction: float, up_fraction: float) -> None:
        self.down_fraction = down_fraction
        self.up_fraction = up_fraction
        self.count = 0
        self.down = False
        self.last_up_s: float | None = None
        self.skipped = 0
        """Reps not counted because they began before counting restarted."""
        self._began_before = False
        self._top_hip_y = np.inf
        self._leg_px = 0.0

    def drop_fraction(self, pose: FramePose) -> float | None:
        """How far the hips are below standing, as a fraction of the leg; None if unseen."""
        hip_y = float(np.nanmean(pose.image[[L.LEFT_HIP, L.RIGHT_HIP], 1]))
        ankle_y = float(np.nanmean(pose.image[[L.LEFT_ANKLE, L.RIGHT_ANKLE], 1]))
        if not (np.isfinite(hip_y) and np.isfinite(ankle_y)):
            return None
        self._top_hip_y = min(self._top_hip_y, hip_y)
        self._leg_px = max(self._leg_px, ankle_y - hip_y)
        if self._leg_px <= 0:
            return None
        return (hip_y - self._top_hip_y) / self._leg_px

    def update(self, pose: FramePose | None, timestamp_s: float) -> int:
        """Feed one pose; returns the reps completed so far."""
        drop = None if pose is None else self.drop_fraction(pose)
        if drop is None:
            return self.count
        if not self.down and drop >= self.down_fraction:
            self.down = True
        elif self.down and drop <= self.up_fraction:
            self.down = False
            self.last_up_s = timestamp_s
            if self._began_before:
                self._began_before, self.skipped = False, self.skipped + 1
            else:
                self.count += 1
        return self.count

    def restart_count(self) -> None:
        """Start counting from zero, keeping what was learnt about standing.

        A rep already under way (begun during the countdown) is not counted when it ends:
        the recording holds only its second half, and the screen, which finds reps in the
        recording, would not count it either.
        """
        self.count = 0
        self.last_up_s = None
        self._began_before = self.down


@dataclass(frozen=True)
class LiveStatus:
    """A snapshot of a live screen for the page and the overlay (safe to share)."""

    phase: Phase
    message: str
    problems: tuple[str, ...] = ()
    reps: int = 0
    target_reps: int = 0
    countdown_s: float = 0.0
    recorded_s: float = 0.0
    pose: FramePose | None = None
    received: int = 0
    processed: int = 0
    stop_reason: str = ""
    pose_timestamp_s: float | None = None
    """When the frame the pose was found in was filmed (the overlay's lag is now - this)."""


class LiveSession:
    """The guided take as a state machine over processed frames; time comes from the frames.

    SETUP: wait until `guidance_problems` has been empty for ready_hold_s.
    COUNTDOWN: countdown_s seconds; losing the person (COUNTDOWN_STOPPERS) goes back to SETUP.
    RECORDING: keep every pose; count reps; stop after target_reps and settle_s standing,
    or after max_record_s. DONE: ignore further frames.
    """

    def __init__(
        self,
        settings: Settings,
        views: frozenset[View] | None = None,
        target_reps: int | None = None,
    ) -> None:
        self.settings = settings
        self.live: LiveSettings = settings.live
        self.views = views
        self.target_reps = target_reps or self.live.target_reps
        self.phase = Phase.SETUP
        self.problems: list[str] = ["Waiting for the camera..."]
        self.counter = RepCounter(self.live.rep_down_fraction, self.live.rep_up_fraction)
        self.builder = SequenceBuilder(fps=30.0)
        self.size = (0, 0)
        self.stop_reason = ""
        self._ready_since: float | None = None
        self._countdown_start = 0.0
        self._record_start = 0.0
        self._last_t = 0.0

    def update(
        self, timestamp_s: float, pose: FramePose | None, brightness: float, width: int, height: int
    ) -> int | None:
        """Advance on one processed frame; returns its index in the take when recorded."""
        if self.phase is Phase.DONE:
            return None
        self.size, self._last_t = (width, height), timestamp_s
        self.problems = guidance_problems(
            pose, brightness, width, height, self.views, self.settings
        )
        if self.phase is Phase.RECORDING:
            return self._record(timestamp_s, pose)
        self.counter.update(pose, timestamp_s)  # learn standing before recording starts
        if COUNTDOWN_STOPPERS.intersection(self.problems) or (
            self.problems and self.phase is Phase.SETUP
        ):
            self.phase, self._ready_since = Phase.SETUP, None
        elif self.phase is Phase.SETUP:
            self._ready_since = self._ready_since if self._ready_since is not None else timestamp_s
            if timestamp_s - self._ready_since >= self.live.ready_hold_s:
                self.phase, self._countdown_start = Phase.COUNTDOWN, timestamp_s
        if (
            self.phase is Phase.COUNTDOWN
            and timestamp_s - self._countdown_start >= self.live.countdown_s
        ):
            self.phase, self._record_start = Phase.RECORDING, timestamp_s
            self.counter.restart_count()
            return self._record(timestamp_s, pose)
        return None

    def _record(self, timestamp_s: float, pose: FramePose | None) -> int:
        index = len(self.builder)
        self.builder.add(index, timestamp_s, pose)
        reps = self.counter.update(pose, timestamp_s)
        settled = (
            self.counter.last_up_s is not None
            and not self.counter.down
            and timestamp_s - self.counter.last_up_s >= self.live.settle_s
        )
        if reps >= self.target_reps and settled:
            self.finish(f"{reps} reps recorded")
        elif timestamp_s - self._record_start >= self.live.max_record_s:
            self.finish(f"stopped after {self.live.max_record_s:g} seconds")
        return index

    def choose_views(self, views: frozenset[View] | None) -> None:
        """Follow a change of the chosen view while setting up or counting down.

        The camera stays on while the person changes their mind on the page, so the take
        must judge the stance against the view chosen now; a countdown started for the
        old view starts again, checked standing. A take already recording keeps its view.
        """
        if views == self.views or self.phase in (Phase.RECORDING, Phase.DONE):
            return
        self.views = views
        self.phase, self._ready_since = Phase.SETUP, None

    def finish(self, reason: str) -> None:
        """End the take (automatic stop, the stop button, or the stream ending)."""
        if self.phase is not Phase.DONE:
            self.phase, self.stop_reason = Phase.DONE, reason

    def recorded_s(self) -> float:
        n = len(self.builder)
        return 0.0 if n == 0 else self._last_t - self._record_start

    def message(self) -> str:
        """The one instruction that matters most right now."""
        if self.phase is Phase.DONE:
            return (
                NOTHING_RECORDED if len(self.builder) == 0 else "Done. Analysing your movement..."
            )
        if self.phase is Phase.RECORDING:
            left = self.target_reps - self.counter.count
            more = (
                f"Recording: {left} more rep{'s' if left != 1 else ''}, slowly"
                if left > 0
                else "Stand tall and hold still for a moment"
            )
            if self.counter.skipped and self.counter.count == 0:
                return f"That rep began before recording, so it does not count. {more}"
            return more
        if self.phase is Phase.COUNTDOWN:
            return "Get ready: recording starts soon"
        if self.problems:
            return self.problems[0]
        return "Good. Stand tall and hold still..."

    def status(self, pose: FramePose | None, received: int, processed: int) -> LiveStatus:
        left = (
            self.live.countdown_s - (self._last_t - self._countdown_start)
            if self.phase is Phase.COUNTDOWN
            else 0.0
        )
        recording = self.phase is Phase.RECORDING or (
            self.phase is Phase.DONE and len(self.builder) > 0
        )
        return LiveStatus(
            self.phase,
            self.message(),
            tuple(self.problems),
            self.counter.count if recording else 0,
            self.target_reps,
            max(0.0, left),
            self.recorded_s(),
            pose,
            received,
            processed,
            self.stop_reason,
        )


def draw_overlay(rgb: np.ndarray, status: LiveStatus) -> np.ndarray:
    """The frame the person sees: skeleton, the current instruction, reps and countdown."""
    out = draw_pose(rgb, status.pose.image, status.pose.visibility) if status.pose else rgb.copy()
    draw_label(out, status.message)
    if status.phase in (Phase.RECORDING, Phase.DONE):
        draw_label(out, f"Reps {status.reps} of {status.target_reps}", row=1)
    if status.phase is Phase.COUNTDOWN:
        text = str(int(np.ceil(status.countdown_s)) or 1)
        scale = out.shape[0] / 120
        (w, h), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 8)
        org = ((out.shape[1] - w) // 2, (out.shape[0] + h) // 2)
        cv2.putText(out, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (20, 20, 20), 14, cv2.LINE_AA)
        cv2.putText(
            out, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 6, cv2.LINE_AA
        )
    return out


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
