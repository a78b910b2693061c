"""Pictures of a result: the key frame of each finding and the measure over time.

Shared by the web app and reports, so both show the same evidence. Key frames come from the
video file, or, for a live take whose video is not stored, from the frames kept in memory
(`FrameStore`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from screening.checks.base import CheckResult, Finding
from screening.engine.pipeline import Analysis
from screening.io.annotate import draw_label, draw_pose
from screening.io.video import Frame, VideoFileSource


@dataclass(frozen=True)
class KeyFrame:
    finding: Finding
    image: np.ndarray  # RGB with the skeleton drawn
    frame: int


def key_frame_index(finding: Finding) -> int:
    """The frame that best shows a finding: the middle of the frames that show it."""
    return finding.frames[len(finding.frames) // 2]


class FrameStore:
    """Frames of one take kept in memory as JPEG, by frame index; never written to disk.

    A live screen stores no video unless the person asks, yet the result should show the
    frame that shows each finding: this holds the frames compactly (about 30 kB each at
    640x480) for as long as the session keeps the result. `scale` is stored size over
    original size, to map landmark pixels onto the stored frames.
    """

    def __init__(self, max_side_px: int = 640, jpeg_quality: int = 80) -> None:
        self.max_side_px = max_side_px
        self.jpeg_quality = jpeg_quality
        self.scale = 1.0
        self._jpeg: dict[int, bytes] = {}
        self._timestamps: dict[int, float] = {}
        self._lock = threading.Lock()

    def add(self, index: int, rgb: np.ndarray, timestamp_s: float = 0.0) -> None:
        """Keep one frame (RGB, any size: frames larger than max_side_px are shrunk)."""
        small = _shrink(rgb, self.max_side_px)
        ok, data = cv2.imencode(".jpg", cv2.cvtColor(small, cv2.COLOR_RGB2BGR),
                                [cv2.IMWRITE_JPEG_QUALITY, self.jpeg_quality])
        if not ok:
            return
        with self._lock:
            self.scale = small.shape[1] / rgb.shape[1]
            self._jpeg[index] = data.tobytes()
            self._timestamps[index] = timestamp_s

    def get(self, index: int) -> np.ndarray | None:
        """The RGB frame with this index, or None when it was not kept."""
        with self._lock:
            data = self._jpeg.get(index)
        if data is None:
            return None
        bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    def nearest(self, index: int) -> int | None:
        """The kept frame closest to `index` (itself when kept), None when none is kept."""
        with self._lock:
            if index in self._jpeg or not self._jpeg:
                return index if self._jpeg else None
            return min(self._jpeg, key=lambda kept: (abs(kept - index), kept))

    def __len__(self) -> int:
        with self._lock:
            return len(self._jpeg)

    def nbytes(self) -> int:
        with self._lock:
            return sum(len(b) for b in self._jpeg.values())

    def frames(self) -> Iterator[Frame]:
        """All kept frames in index order (to write a copy of the take as a video)."""
        with self._lock:
            order = sorted(self._jpeg)
            times = dict(self._timestamps)
        for i in order:
            rgb = self.get(i)
            if rgb is not None:
                yield Frame(index=i, timestamp_s=times[i], rgb=rgb)


FrameSource = str | Path | FrameStore
"""Where key frames come from: a video file, or the frames a live take kept in memory."""


def _frames_wanted(source: FrameSource, wanted: set[int]
                   ) -> dict[int, tuple[int, np.ndarray, float]]:
    """For each wanted frame: the frame shown for it, its RGB, and its scale vs the landmark
    pixels. A store that kept every k-th frame of a long video shows the nearest one."""
    out: dict[int, tuple[int, np.ndarray, float]] = {}
    if isinstance(source, FrameStore):
        for i in wanted:
            shown = source.nearest(i)
            rgb = None if shown is None else source.get(shown)
            if shown is not None and rgb is not None:
                out[i] = (shown, rgb, source.scale)
        return out
    with VideoFileSource(source) as frames:
        for frame in frames:
            if frame.index in wanted:
                out[frame.index] = (frame.index, frame.rgb, 1.0)
            if len(out) == len(wanted):
                break
    return out


def key_frames(video: FrameSource, analysis: Analysis, findings: list[Finding],
               max_side: int = 480) -> list[KeyFrame]:
    """One annotated frame per finding (decoding the video once)."""
    seq = analysis.clean
    position = {int(fi): i for i, fi in enumerate(seq.frame_indices)}
    wanted = {key_frame_index(f) for f in findings} & set(position)
    images: dict[int, tuple[int, np.ndarray]] = {}
    for index, (shown, rgb, scale) in _frames_wanted(video, wanted).items():
        if shown not in position:
            continue
        i = position[shown]
        points = seq.image[i].copy()
        points[:, :2] *= scale
        images[index] = (shown, draw_pose(rgb, points, seq.visibility[i]))
    out = []
    for f in findings:
        idx = key_frame_index(f)
        if idx not in images:
            continue
        shown, drawn = images[idx]
        img = drawn.copy()
        draw_label(img, f"{f.code.replace('_', ' ')}: {abs(f.value):.0f} {f.units}")
        out.append(KeyFrame(f, _shrink(img, max_side), shown))
    return out


def _shrink(rgb: np.ndarray, max_side: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    scale = max_side / max(h, w)
    if scale >= 1:
        return rgb
    return cv2.resize(rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)


def measure_table(analysis: Analysis, check: CheckResult) -> dict[str, np.ndarray]:
    """Columns for a chart: time in seconds, the measure per side, and the threshold."""
    t = analysis.clean.timestamps_s - analysis.clean.timestamps_s[0]
    cols = {"time_s": t}
    for side, values in check.series.items():
        cols[side if side not in ("none", "both") else check.code.value] = values
    cols["threshold"] = np.full(len(t), check.threshold)
    return cols
