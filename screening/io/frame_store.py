"""Frames of one take kept in memory, for key frames when no video file is kept.

Written by the live screen as frames arrive, and by the pass that draws the annotated video,
so that a report's key frames need no further decoding of the file.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from screening.io.video import Frame


def shrink(rgb: np.ndarray, max_side: int) -> np.ndarray:
    """`rgb` scaled down (never up) so that its longer side is at most `max_side` pixels."""
    h, w = rgb.shape[:2]
    scale = max_side / max(h, w)
    if scale >= 1:
        return rgb
    return cv2.resize(rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)


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
        small = shrink(rgb, self.max_side_px)
        ok, data = cv2.imencode(
            ".jpg",
            cv2.cvtColor(small, cv2.COLOR_RGB2BGR),
            [cv2.IMWRITE_JPEG_QUALITY, self.jpeg_quality],
        )
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
        if bgr is None:
            return None
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
