"""Frame sources: recorded video files (OpenCV) and single frames from a live stream.

A source yields frames one at a time and keeps none of them, so memory stays flat however
long the video is. Each frame carries its real presentation time in seconds (from the
container, not index / fps), which matters for phone videos with a variable frame rate.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import av
import cv2
import numpy as np

from screening.core.errors import InputError
from screening.core.settings import InputSettings, load_settings

VIDEO_SUFFIXES = (".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".gif", ".y4m")
"""The file types read as videos, by the batch (in folders) and the app's upload alike:
what FFmpeg decodes and phones, cameras and screen recorders write."""


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


HEAD_BYTES = 512
"""How much of a file's start `sniff_container` looks at."""

# Leading bytes of the containers a video can come in (FFmpeg reads them all).
_VIDEO_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x1a\x45\xdf\xa3", "Matroska/WebM"),
    (0, b"GIF87a", "GIF"),
    (0, b"GIF89a", "GIF"),
    (0, b"YUV4MPEG2", "Y4M"),
    (0, b"FLV\x01", "FLV"),
    (0, b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", "ASF/WMV"),
    (0, b"OggS", "Ogg"),
    (0, b"nut/multimedia container", "NUT"),
    (0, b"\x00\x00\x01\xba", "MPEG program stream"),
    (0, b"\x00\x00\x01\xb3", "MPEG video"),
)
# ISO base media (MP4, MOV, 3GP, M4V): the first box is usually `ftyp`, in old QuickTime
# files any of these.
_ISO_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot")
# Brands of ISO files that hold still images or only sound.
_ISO_NOT_VIDEO = {
    b"heic": "a HEIC photo",
    b"heix": "a HEIC photo",
    b"mif1": "a HEIF photo",
    b"avif": "an AVIF image",
    b"M4A ": "an M4A audio file",
    b"M4B ": "an M4B audiobook",
    b"M4P ": "an M4P audio file",
}
# Leading bytes of common files people pick by mistake, and what to call them.
_NOT_VIDEO_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"BM", "a BMP image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (8, b"WEBP", "a WebP image"),
    (8, b"WAVE", "a WAV audio file"),
    (0, b"ID3", "an MP3 audio file"),
    (0, b"fLaC", "a FLAC audio file"),
    (0, b"PK\x03\x04", "a zip archive"),
    (0, b"PK\x05\x06", "a zip archive"),
    (0, b"\x1f\x8b", "a gzip archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (0, b"Rar!\x1a\x07", "a RAR archive"),
    (0, b"%PDF", "a PDF document"),
    (0, b"\x7fELF", "a program"),
    (0, b"MZ", "a program"),
)


def sniff_container(head: bytes) -> str:
    """Name the container a file's leading bytes belong to, or refuse what is not a video.

    The content decides, not the file name: an image, archive, document or text renamed
    `.mp4` is refused here with what it really is, before FFmpeg is asked to make sense of
    it (FFmpeg happily reads a PNG as a one-frame video). Audio inside a video container
    (an M4A, an Ogg) passes here and is caught when no picture track is found.
    """
    if head[4:8] in _ISO_BOXES:
        brand = head[8:12] if head[4:8] == b"ftyp" else b""
        if brand in _ISO_NOT_VIDEO:
            raise InputError(f"not a video (it is {_ISO_NOT_VIDEO[brand]})")
        return "MP4/MOV"
    if head[:4] == b"RIFF" and head[8:12] in (b"AVI ", b"AVIX"):
        return "AVI"
    if len(head) > 376 and head[0] == head[188] == head[376] == 0x47:
        return "MPEG transport stream"
    for offset, magic, name in _VIDEO_MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return name
    for offset, magic, what in _NOT_VIDEO_MAGIC:
        if head[offset : offset + len(magic)] == magic:
            raise InputError(f"not a video (it is {what})")
    if _looks_like_text(head):
        raise InputError("not a video (it looks like a text file)")
    raise InputError("not a video this tool can read (unknown format or damaged header)")


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 text with no control characters other than line breaks and tabs."""
    for cut in range(4):  # the sample may end inside a multi-byte character
        try:
            text = head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return bool(text) and all(c.isprintable() or c in "\r\n\t" for c in text)
    return False


def _describe_unopenable(path: Path) -> str:
    """Say why FFmpeg could not open a file that looked like a video, in words a user can act on."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                if container.streams.audio:
                    return "no picture in this file (it holds only sound)"
                return "no picture in this file (it holds no video track)"
    except (av.FFmpegError, OSError, ValueError):
        pass
    with path.open("rb") as fh:
        head = fh.read(64)
    if head[4:8] == b"ftyp":
        return "video is truncated or damaged (its MP4 index cannot be read)"
    return "not a readable video (damaged header or unsupported codec)"


@cache
def _default_limits() -> InputSettings:
    """The packaged [input] limits, for callers that do not pass their own settings."""
    return load_settings().input


def _check_frame_size(width: int, height: int, limits: InputSettings) -> None:
    """Refuse frames too large to decode safely or too small to show a body."""
    if width <= 0 or height <= 0:
        raise InputError("video frames cannot be decoded (damaged header or unsupported codec)")
    if width * height > limits.max_frame_pixels:
        raise InputError(
            f"video frames are too large ({width} x {height} pixels; the most "
            f"this tool reads is {limits.max_frame_pixels / 1e6:g} million "
            "pixels a frame, about 4K)"
        )
    if min(width, height) < limits.min_frame_side_px:
        raise InputError(
            f"video frames are too small to see a person ({width} x {height} "
            f"pixels; need at least {limits.min_frame_side_px} each way)"
        )


def _duration_text(seconds: float) -> str:
    return (
        f"{seconds:.1f} s"
        if seconds < 10
        else (f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} minutes")
    )


def _too_long(
    limits: InputSettings, seconds: float | None = None, frames: int | None = None
) -> InputError:
    what = _duration_text(seconds) if seconds is not None else f"{frames} frames"
    return InputError(
        f"video is too long to screen ({what}; the most is "
        f"{_duration_text(limits.max_duration_s)} or {limits.max_frames} frames): "
        "cut out the part with the squats or lunges"
    )


class VideoFileSource:
    """Decode a video file frame by frame, with rotation metadata applied.

    Use as a context manager or call `close()`; iterate to get `Frame`s. The file's content
    is checked before FFmpeg sees it, and its declared size and length against `limits`
    (the [input] settings) before a frame is decoded, so a hostile file is refused in
    milliseconds with one line saying why, instead of filling memory or running for hours.
    """

    def __init__(self, path: str | os.PathLike[str], limits: InputSettings | None = None) -> None:
        self.path = Path(path)
        self.limits = limits or _default_limits()
        if not self.path.exists():
            raise InputError("file not found")
        if self.path.is_dir():
            raise InputError("is a folder, not a video")
        if not self.path.is_file():
            raise InputError("not a regular file (a device, pipe or socket), not a video")
        if self.path.stat().st_size == 0:
            raise InputError("file is empty (0 bytes)")
        try:
            with self.path.open("rb") as fh:
                self.container = sniff_container(fh.read(HEAD_BYTES))
        except PermissionError:
            raise InputError("cannot read the file (permission denied)") from None
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
        count = self._cap.get(cv2.CAP_PROP_FRAME_COUNT)
        self.info = VideoInfo(
            path=str(self.path),
            fps=fps,
            declared_frames=int(count) if np.isfinite(count) and 0 < count < 2**31 else 0,
            width=width,
            height=height,
            rotation_deg=rotation,
        )
        try:
            self._check_declared()
        except InputError:
            self._cap.release()
            raise
        self.decoded_frames = 0

    def _check_declared(self) -> None:
        """Refuse, before decoding, what the header says is too big or too long."""
        info, limits = self.info, self.limits
        _check_frame_size(info.width, info.height, limits)
        if info.declared_frames > limits.max_frames:
            raise _too_long(limits, frames=info.declared_frames)
        if info.fps and info.declared_frames / info.fps > limits.max_duration_s:
            raise _too_long(limits, seconds=info.declared_frames / info.fps)

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        last_t = -1.0
        while True:
            if index >= self.limits.max_frames:  # the header understated the length
                raise _too_long(self.limits, frames=index + 1)
            ok, bgr = self._cap.read()
            if not ok or bgr is None:
                break
            t = self._cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
            if not np.isfinite(t) or t <= last_t:
                # Some containers report no or repeated times: fall back to the nominal rate.
                t = last_t + (1.0 / self.info.fps if self.info.fps else 1.0 / 30.0)
            if t > self.limits.max_duration_s:
                raise _too_long(self.limits, seconds=t)
            last_t = t
            if index == 0 and bgr.shape[:2] != (self.info.height, self.info.width):
                _check_frame_size(bgr.shape[1], bgr.shape[0], self.limits)
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
