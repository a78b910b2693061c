"""The video reader judges files by their content and refuses oversize input before decoding."""

from __future__ import annotations

import os
import re
from dataclasses import replace

import pytest

from screening.core.errors import InputError
from screening.core.settings import load_settings
from screening.io.video import VideoFileSource, sniff_container


def _y4m(width: int, height: int, frames: int) -> bytes:
    """A raw YUV 4:2:0 video: the simplest container FFmpeg reads, with an honest header."""
    frame = b"FRAME\n" + b"\x80" * (width * height * 3 // 2)
    return f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\n".encode() + frame * frames


@pytest.mark.parametrize(
    ("head", "container"),
    [
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "MP4/MOV"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "MP4/MOV"),
        (b"\x00\x00\x00\x08wide\x00\x00\x00\x00mdat", "MP4/MOV"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01", "Matroska/WebM"),
        (b"RIFF\x00\x10\x00\x00AVI LIST", "AVI"),
        (b"GIF89a\x40\x01\xf0\x00", "GIF"),
        (b"YUV4MPEG2 W640 H480 F30:1", "Y4M"),
        ((b"\x47" + b"\x00" * 187) * 3, "MPEG transport stream"),
    ],
)
def test_video_containers_are_recognised(head, container):
    assert sniff_container(head) == container


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "a HEIC photo"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", "an M4A audio file"),
        (b"RIFF\x24\x08\x00\x00WAVEfmt ", "a WAV audio file"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "a zip archive"),
        (b"%PDF-1.7\n", "a PDF document"),
        (b"\x7fELF\x02\x01\x01", "a program"),
        ("squat notes: 3 reps, felt fine \u2713\n".encode(), "a text file"),
    ],
)
def test_other_files_are_refused_by_what_they_are(head, what):
    pattern = r"^not a video \(it (is|looks like) " + re.escape(what)
    with pytest.raises(InputError, match=pattern):
        sniff_container(head)


def test_unknown_bytes_are_refused():
    with pytest.raises(InputError, match="unknown format or damaged header"):
        sniff_container(bytes(range(7, 200)))


def test_name_does_not_matter_content_does(tmp_path):
    """A real video named .png is read; a PNG named .mp4 is refused."""
    video = tmp_path / "holiday.png"
    video.write_bytes(_y4m(64, 64, 12))
    with VideoFileSource(video) as source:
        assert sum(1 for _ in source) == 12
    assert source.container == "Y4M"
    image = tmp_path / "squat.mp4"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(InputError, match=r"it is a PNG image"):
        VideoFileSource(image)


def test_huge_declared_frames_are_refused_before_decoding(tmp_path):
    """16000 x 16000 would be 768 MB a frame: refused from the header alone."""
    path = tmp_path / "huge.y4m"
    path.write_bytes(b"YUV4MPEG2 W16000 H16000 F30:1 Ip C420jpeg\nFRAME\n" + bytes(1000))
    with pytest.raises(InputError, match=r"too large \(16000 x 16000 pixels"):
        VideoFileSource(path)


def test_tiny_frames_are_refused(tmp_path):
    path = tmp_path / "sliver.y4m"
    path.write_bytes(_y4m(640, 2, 12))
    with pytest.raises(InputError, match=r"too small to see a person \(640 x 2 pixels"):
        VideoFileSource(path)


def test_length_limits_hold_on_the_header_and_while_decoding(tmp_path):
    """A declared length over the limit is refused at once; an understated one on the way."""
    path = tmp_path / "long.y4m"
    path.write_bytes(_y4m(64, 64, 40))  # 40 frames at 30 fps: 1.3 s
    limits = load_settings().input
    with pytest.raises(InputError, match=r"too long to screen \(40 frames; the most is"):
        VideoFileSource(path, replace(limits, max_frames=30))
    with pytest.raises(InputError, match=r"too long to screen \(1.3 s; the most is 1.0 s"):
        VideoFileSource(path, replace(limits, max_duration_s=1.0))
    # A header that understates the length is caught while decoding: the source opened
    # within the limits, and the limits shrink under it as the truth would.
    for tighter, message in (
        (dict(max_frames=25), r"\(26 frames"),
        (dict(max_duration_s=1.0), r"\(1.0 s"),
    ):
        source = VideoFileSource(path, limits)
        source.limits = replace(limits, **tighter)
        with source, pytest.raises(InputError, match=message):
            for frame in source:
                assert frame.index < 31
    with VideoFileSource(path, limits) as source:
        assert sum(1 for _ in source) == 40


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "stream.mp4"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        VideoFileSource(fifo)
