"""The live webcam screen's state, frame by frame: set-up, countdown, recording, done.

Plain Python and numpy, no Streamlit: the page (screening/app/capture.py) hands each webcam
frame to `LiveCapture.on_frame` (`screening.live.capture`) and reads its status; tests and
the latency benchmark feed the frames of a sample clip the same way, without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np

from screening.core.codes import View
from screening.core.sequence import FramePose, SequenceBuilder
from screening.core.settings import LiveSettings, Settings
from screening.io.annotate import draw_label, draw_pose
from screening.live.guidance import (
    COUNTDOWN_STOPPERS,
    NOTHING_RECORDED,
    guidance_problems,
)
from screening.live.rep_counter import RepCounter


class Phase(StrEnum):
    """Where a live screen is: getting set up, counting down, recording, finished."""

    SETUP = "setup"
    COUNTDOWN = "countdown"
    RECORDING = "recording"
    DONE = "done"


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
