"""A corpus of hostile and awkward inputs, generated at test time (nothing big is committed).

Each entry is a file a real user (or a careless script, or an attacker) could hand the
screen: damaged containers, lying headers, images and archives renamed `.mp4`, extreme
sizes, and recordings that are valid but hard (two people, a dark room, a mirrored webcam).
Every entry names what the screen must answer: `OK` (it is scored) or a phrase its one-line
error must contain. The videos are made from the committed sample clips by re-encoding
(PyAV), pixel work (numpy/OpenCV) and byte surgery, so each failure is the one named.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

import av
import cv2
import numpy as np

from .media import fault_clip, read_frames, rotated_copy, truncated_copy, write_frames

FAST_H264 = {"preset": "ultrafast", "crf": "20"}
"""Encoder options for test videos: quick to write, good enough for the pose model."""

OK = "ok"
"""The expectation of an input that must be scored, not refused."""


@dataclass(frozen=True)
class Hostile:
    """One corpus entry: how to make the file, and what the screen must say about it."""

    name: str
    make: Callable[[Path], None]
    expect: str
    """OK, or a phrase the one-line error must contain."""
    why: str


def _base_clip() -> Path:
    """A two-rep front-view squat with feet turning out: the source of most entries."""
    return fault_clip("feet_turn_out")[0]


@cache
def _frames() -> tuple[np.ndarray, ...]:
    """The base clip's RGB frames, decoded once (callers copy before changing pixels)."""
    return tuple(read_frames(_base_clip()))


def _mp4_box(data: bytes, tag: bytes) -> int:
    """Offset of an MP4 box's type field (the size field is 4 bytes before it)."""
    at = data.find(tag)
    assert at > 4, f"no {tag!r} box"
    return at


# --- damaged containers ---------------------------------------------------------------------


def corrupt_header(dst: Path) -> None:
    """The first 64 bytes overwritten with noise: no container signature left."""
    data = bytearray(_base_clip().read_bytes())
    data[:64] = np.random.default_rng(1).integers(0, 256, 64, dtype=np.uint8).tobytes()
    dst.write_bytes(bytes(data))


def corrupt_index(dst: Path) -> None:
    """A valid MP4 signature whose sample table (where the frames are) is overwritten."""
    data = bytearray(_base_clip().read_bytes())
    at = _mp4_box(data, b"stsz")
    data[at + 8 : at + 400] = b"\xff" * 392
    dst.write_bytes(bytes(data))


def truncated_stream(dst: Path) -> None:
    """An interrupted download: the first 40% of the bytes."""
    truncated_copy(_base_clip(), dst)


def ten_hour_header(dst: Path) -> None:
    """Ten real frames, and movie/track headers that declare ten hours."""
    frames = _frames()[:10]
    write_frames(dst, frames)
    data = bytearray(dst.read_bytes())
    for tag, offset in ((b"mvhd", 16), (b"mdhd", 16), (b"tkhd", 24)):
        at = _mp4_box(data, tag)
        assert data[at + 4] == 0, "expected version-0 headers"
        if tag == b"tkhd":
            timescale = struct.unpack(">I", data[_mp4_box(data, b"mvhd") + 16 :][:4])[0]
        else:
            timescale = struct.unpack(">I", data[at + offset - 4 : at + offset])[0]
        data[at + offset : at + offset + 4] = struct.pack(">I", 10 * 3600 * timescale)
    dst.write_bytes(bytes(data))


def huge_dimensions(dst: Path) -> None:
    """A raw-video header declaring 16000 x 16000 pixels (768 MB a frame), then 10 kB."""
    dst.write_bytes(b"YUV4MPEG2 W16000 H16000 F30:1 Ip A1:1 C420jpeg\nFRAME\n" + b"\x80" * 10_000)


def decode_bomb(dst: Path) -> None:
    """Two MB that decode to 40 minutes of 720p (about 200 GB of pixels).

    One still frame is encoded once; the tiny "nothing changed" packet after it is then
    repeated 72,000 times, like a zip bomb's run of zeros.
    """
    with av.open(str(dst), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuv420p"
        stream.options = {"preset": "ultrafast", "g": "100000", "bf": "0"}
        still = av.VideoFrame.from_ndarray(np.zeros((720, 1280, 3), np.uint8), format="rgb24")
        packets = [p for _ in range(2) for p in stream.encode(still)] + list(stream.encode())
        first, repeat = packets[0], packets[-1]
        for i in range(72_000):
            packet = first if i == 0 else av.Packet(bytes(repeat))
            packet.stream = stream
            packet.pts = packet.dts = i
            packet.time_base = Fraction(1, 30)
            packet.is_keyframe = i == 0
            out.mux(packet)


# --- things that are not videos ---------------------------------------------------------------


def audio_only(dst: Path) -> None:
    """An MP4 (M4A) with sound and no picture, as a voice memo app writes."""
    with av.open(str(dst), "w") as out:
        stream = out.add_stream("aac", rate=44100, layout="mono")
        t = np.arange(1024 * 40) / 44100
        tone = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        for i in range(40):
            frame = av.AudioFrame.from_ndarray(
                tone[None, i * 1024 : (i + 1) * 1024], format="fltp", layout="mono"
            )
            frame.sample_rate, frame.pts = 44100, i * 1024
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def _image(dst: Path, ext: str) -> None:
    ok, data = cv2.imencode(ext, cv2.cvtColor(_frames()[30], cv2.COLOR_RGB2BGR))
    assert ok
    dst.write_bytes(data.tobytes())


def png_renamed(dst: Path) -> None:
    """A still photo of the person, saved as PNG and renamed `.mp4`."""
    _image(dst, ".png")


def jpeg_renamed(dst: Path) -> None:
    """The same still as JPEG, renamed `.mov`."""
    _image(dst, ".jpg")


def zip_bomb(dst: Path) -> None:
    """A zip archive renamed `.mp4`: 100 MB of zeros squeezed into about 100 kB."""
    with (
        zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z,
        z.open("video.mp4", "w") as member,
    ):
        chunk = bytes(1 << 20)
        for _ in range(100):
            member.write(chunk)


# --- valid videos of awkward shape ---------------------------------------------------------


def _encode(
    dst: Path,
    codec: str,
    rate: int,
    size: tuple[int, int],
    pix_fmt: str,
    frames: Iterable[av.VideoFrame],
    time_base: Fraction | None = None,
    options: dict[str, str] | None = None,
) -> None:
    """Encode PyAV frames into a new file; frames carry their own pts when `time_base` is set."""
    with av.open(str(dst), "w") as out:
        stream = out.add_stream(codec, rate=rate)
        stream.width, stream.height = size
        stream.pix_fmt = pix_fmt
        if time_base is not None:
            stream.codec_context.time_base = stream.time_base = time_base
        stream.options = options or {}
        for frame in frames:
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def _rewrite(dst: Path, frames: Sequence[np.ndarray], pts_s: Sequence[float] | None = None) -> None:
    """Write RGB frames as H.264, with the given presentation times (seconds) if any."""
    h, w = frames[0].shape[:2]
    h, w = h - h % 2, w - w % 2  # 4:2:0 needs even sizes
    base = Fraction(1, 90_000)

    def timed() -> Iterator[av.VideoFrame]:
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb[:h, :w]), format="rgb24")
            frame.time_base = base
            frame.pts = round((pts_s[i] if pts_s is not None else i / 30) / base)
            yield frame

    _encode(dst, "libx264", 30, (w, h), "yuv420p", timed(), base, FAST_H264)


def variable_frame_rate(dst: Path) -> None:
    """A phone's variable frame rate: gaps between frames wander between 20 and 50 ms."""
    frames = _frames()
    gaps = np.random.default_rng(2).uniform(0.020, 0.050, len(frames))
    _rewrite(dst, frames, list(np.concatenate([[0.0], np.cumsum(gaps[:-1])])))


def rotated_phone(dst: Path) -> None:
    """Portrait phone video: pixels stored on their side, a 90-degree turn in the header."""
    turned = [
        np.ascontiguousarray(cv2.rotate(f, cv2.ROTATE_90_COUNTERCLOCKWISE)) for f in _frames()
    ]
    plain = dst.with_suffix(".plain.mp4")
    write_frames(plain, turned)
    rotated_copy(plain, dst)
    plain.unlink()


def uhd_4k(dst: Path) -> None:
    """3840 x 2160 at 10 fps: the clip padded to 16:9 and scaled up six times by FFmpeg."""
    frames = (
        av.VideoFrame.from_ndarray(
            cv2.copyMakeBorder(f, 0, 0, 106, 106, cv2.BORDER_CONSTANT, value=0), format="rgb24"
        ).reformat(width=3840, height=2160, format="yuv420p")
        for f in _frames()[::3]
    )
    _encode(dst, "libx264", 10, (3840, 2160), "yuv420p", frames, options=FAST_H264)


def one_pixel_tall(dst: Path) -> None:
    """640 x 1 pixels, lossless (H.264 cannot hold an odd height)."""
    frames = (
        av.VideoFrame.from_ndarray(np.ascontiguousarray(f[240:241]), format="rgb24")
        for f in _frames()[:60]
    )
    _encode(dst, "ffv1", 30, (640, 1), "bgr0", frames)


def animated_gif(dst: Path) -> None:
    """A 320 x 240 animated GIF of the squat: a format people share clips in."""
    frames = (
        av.VideoFrame.from_ndarray(
            cv2.resize(f, (320, 240), interpolation=cv2.INTER_AREA), format="rgb24"
        )
        for f in _frames()[::2]
    )
    _encode(dst, "gif", 15, (320, 240), "rgb8", frames)


# --- valid videos of awkward scenes --------------------------------------------------------


def two_people(dst: Path) -> None:
    """Two people squatting side by side (the clip beside its own mirror image, half size)."""
    out = []
    for f in _frames():
        half = cv2.resize(f, (320, 240), interpolation=cv2.INTER_AREA)
        pair = np.hstack([half, half[:, ::-1]])
        canvas = np.full((480, 640, 3), int(np.median(f)), np.uint8)
        canvas[120:360] = pair
        out.append(canvas)
    write_frames(dst, out)


def partly_out_of_frame(dst: Path) -> None:
    """Filmed too close: the lower legs and feet are below the picture."""
    write_frames(dst, [np.ascontiguousarray(f[:330]) for f in _frames()])


def walking_away(dst: Path) -> None:
    """Halfway through, the person shrinks into the distance, drifts aside, and is gone."""
    frames = _frames()
    half = len(frames) // 2
    out = []
    for i, f in enumerate(frames):
        if i < half:
            out.append(f)
            continue
        k = (i - half) / (len(frames) - half)
        scale, shift = 1.0 - 0.85 * k, int(500 * k)
        matrix = np.float32([[scale, 0, 320 * (1 - scale) + shift], [0, scale, 240 * (1 - scale)]])
        out.append(cv2.warpAffine(f, matrix, (640, 480), borderValue=(128, 128, 128)))
    write_frames(dst, out)


def dark_room(dst: Path) -> None:
    """Filmed with the lights off: 4% of the brightness, with a little sensor noise."""
    noise = np.random.default_rng(3).integers(0, 5, (4, 480, 640, 3), dtype=np.uint8)
    _rewrite(
        dst,
        [
            cv2.add(cv2.convertScaleAbs(f, alpha=0.04), noise[i % 4])
            for i, f in enumerate(_frames())
        ],
    )


def mirrored_webcam(dst: Path) -> None:
    """A webcam's selfie view: every frame flipped left to right."""
    write_frames(dst, [np.ascontiguousarray(f[:, ::-1]) for f in _frames()])


CORPUS: tuple[Hostile, ...] = (
    Hostile("corrupt_header.mp4", corrupt_header, "not a video", "leading bytes overwritten"),
    Hostile("corrupt_index.mp4", corrupt_index, "corrupt", "sample table overwritten"),
    Hostile("truncated.mp4", truncated_stream, "truncated", "first 40% of the bytes"),
    Hostile("ten_hours.mp4", ten_hour_header, "too long", "10 frames, headers say 10 hours"),
    Hostile("huge_dimensions.y4m", huge_dimensions, "too large", "header declares 16000 x 16000"),
    Hostile("decode_bomb.mp4", decode_bomb, "too long", "2 MB that decode to 40 minutes of 720p"),
    Hostile("audio_only.mp4", audio_only, "no picture", "sound, no video track"),
    Hostile("photo.mp4", png_renamed, "PNG image", "a PNG renamed .mp4"),
    Hostile("photo.mov", jpeg_renamed, "JPEG image", "a JPEG renamed .mov"),
    Hostile("zip_bomb.mp4", zip_bomb, "zip archive", "100 MB of zeros zipped, renamed .mp4"),
    Hostile(
        "line\nbreak\x1b[2J.mp4",
        png_renamed,
        "PNG image",
        "a file name with a line break and a clear-the-screen terminal code",
    ),
    Hostile("variable_rate.mp4", variable_frame_rate, OK, "frame gaps 20-50 ms"),
    Hostile("rotated_phone.mp4", rotated_phone, OK, "portrait pixels, 90-degree header"),
    Hostile("uhd_4k.mp4", uhd_4k, OK, "3840 x 2160"),
    Hostile("one_pixel_tall.mkv", one_pixel_tall, "too small", "640 x 1 pixels"),
    Hostile("animated.gif", animated_gif, OK, "an animated GIF"),
    Hostile("two_people.mp4", two_people, OK, "two people side by side"),
    Hostile(
        "partly_out_of_frame.mp4",
        partly_out_of_frame,
        "the person is cut off",
        "feet below the picture",
    ),
    Hostile("walking_away.mp4", walking_away, OK, "person leaves mid-rep"),
    Hostile("dark_room.mp4", dark_room, "no person found", "4% brightness"),
    Hostile("mirrored_webcam.mp4", mirrored_webcam, OK, "flipped left to right"),
)


def make_corpus(directory: Path) -> dict[str, Path]:
    """Write every corpus file into `directory`; returns name -> path."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for entry in CORPUS:
        path = directory / entry.name
        entry.make(path)
        paths[entry.name] = path
    return paths
