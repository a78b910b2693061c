"""Frame sources: recorded video files (OpenCV) and single frames from a live stream.

A source yields frames one at a time and keeps none of them, so memory stays flat however
long the video is. Each frame carries its real presentation time in seconds (from the
container, not index / fps), which matters for phone videos with a variable frame rate.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from screening.errors import InputError


@dataclass(frozen=True)
class Frame:
    """One decoded frame: RGB pixels (H, W, 3) uint8, its index and its time in seconds."""

    index: int
    timestamp_s: float
    rgb: np.ndarray


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a video, read before decoding it."""

    path: str
    fps: float
    declared_frames: int
    width: int
    height: int
    rotation_deg: int


def _describe_unopenable(path: Path) -> str:
    """Say why OpenCV could not open a file, in words a user can act on."""
    with path.open("rb") as fh:
        head = fh.read(64)
    if head[4:8] == b"ftyp":
        return "video is truncated or damaged (its MP4 index cannot be read)"
    if head.lstrip().startswith((b"{", b"<", b"#")) or all(32 <= b < 127 or b in b"\r\n\t"
                                                            for b in head):
        return "not a video (it looks like a text file)"
    return "not a readable video (unknown format or corrupt header)"


class VideoFileSource:
    """Decode a video file frame by frame, with rotation metadata applied.

    Use as a context manager or call `close()`; iterate to get `Frame`s.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise InputError("file not found")
        if self.path.is_dir():
            raise InputError("is a folder, not a video")
        if self.path.stat().st_size == 0:
            raise InputError("file is empty (0 bytes)")
        self._cap = cv2.VideoCapture(str(self.path), cv2.CAP_FFMPEG)
        if not self._cap.isOpened():
            self._cap.release()
            raise InputError(_describe_unopenable(self.path))
        # OpenCV applies the container's rotation by default; say so explicitly so a change
        # of default in a future OpenCV does not silently give us sideways people.
        self._cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
        # With auto-orientation on, OpenCV already reports the size of the rotated frame;
        # the first decoded frame has the final word (see __iter__).
        width = int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        rotation = int(self._cap.get(cv2.CAP_PROP_ORIENTATION_META)) % 360
        fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 0.0)
        if not np.isfinite(fps) or fps <= 0 or fps > 1000:
            fps = 0.0
        self.info = VideoInfo(
            path=str(self.path),
            fps=fps,
            declared_frames=max(int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT)), 0),
            width=width,
            height=height,
            rotation_deg=rotation,
        )
        self.decoded_frames = 0

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        last_t = -1.0
        while True:
            ok, bgr = self._cap.read()
            if not ok or bgr is None:
                break
            t = self._cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
            if not np.isfinite(t) or t <= last_t:
                # Some containers report no or repeated times: fall back to the nominal rate.
                t = last_t + (1.0 / self.info.fps if self.info.fps else 1.0 / 30.0)
            last_t = t
            if index == 0 and bgr.shape[:2] != (self.info.height, self.info.width):
                self.info = replace(self.info, width=bgr.shape[1], height=bgr.shape[0])
            self.decoded_frames = index + 1
            yield Frame(index=index, timestamp_s=t, rgb=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            index += 1

    def close(self) -> None:
        self._cap.release()

    def __enter__(self) -> VideoFileSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def frame_from_array(image: np.ndarray, timestamp_s: float, index: int, *,
                     bgr: bool = False) -> Frame:
    """Wrap one live frame (from a webcam or browser stream) as a `Frame`.

    Live sources hand us frames one at a time with their own clock; this keeps the rest of
    the pipeline identical for files and streams.
    """
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise InputError(f"expected an (H, W, 3) uint8 image, got {image.shape} {image.dtype}")
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB) if bgr else image
    return Frame(index=index, timestamp_s=float(timestamp_s), rgb=np.ascontiguousarray(rgb))
