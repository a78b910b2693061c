"""Making test videos: good clips come from sample_videos/, bad ones are made here."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np

from screening.io.annotate import H264Writer

from .builders import SAMPLES


def sample_labels() -> dict[str, dict]:
    """The truth of the committed sample clips (sample_videos/labels.json)."""
    labels = SAMPLES / "labels.json"
    assert labels.exists(), "sample_videos/labels.json is missing: regenerate the samples"
    return json.loads(labels.read_text())["clips"]


def sample_clip(
    movement: str | None = None, view: str | None = None, clean: bool | None = None
) -> tuple[Path, dict]:
    """The first sample clip matching the filters, with its label."""
    for name, label in sorted(sample_labels().items()):
        if movement and label["movement"] != movement:
            continue
        if view and label["view"] != view:
            continue
        if clean is not None and (not label["faults"]) != clean:
            continue
        return SAMPLES / name, label
    raise LookupError(f"no sample clip with movement={movement} view={view} clean={clean}")


def write_frames(path: Path, frames: list[np.ndarray], fps: float = 30.0) -> Path:
    """Write RGB frames to an H.264 MP4."""
    h, w = frames[0].shape[:2]
    with H264Writer(path, fps, w, h) as writer:
        for f in frames:
            writer.write(f)
    return path


def read_frames(path: Path, limit: int | None = None) -> list[np.ndarray]:
    """Decode RGB frames of a video (up to `limit`)."""
    out = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            out.append(frame.to_ndarray(format="rgb24"))
            if limit and len(out) >= limit:
                break
    return out


def no_person_video(path: Path, frames: int = 60) -> Path:
    """A moving gradient with noise: plenty of texture, no body."""
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:240, 0:320]
    out = []
    for i in range(frames):
        base = ((x + 3 * i) % 256).astype(np.uint8)
        img = np.stack([base, (y % 256).astype(np.uint8), np.full_like(base, 90)], axis=-1)
        out.append(np.clip(img + rng.normal(0, 8, img.shape), 0, 255).astype(np.uint8))
    return write_frames(path, out)


def faststart_copy(src: Path, dst: Path) -> Path:
    """Remux with the MP4 index at the front, as phones and web uploads often do."""
    with av.open(str(src)) as inp, av.open(str(dst), "w", options={"movflags": "faststart"}) as out:
        stream_in = inp.streams.video[0]
        stream_out = out.add_stream_from_template(stream_in)
        for packet in inp.demux(stream_in):
            if packet.dts is None:
                continue
            packet.stream = stream_out
            out.mux(packet)
    return dst


def truncated_copy(src: Path, dst: Path, keep: float = 0.4) -> Path:
    """The first `keep` fraction of a file's bytes, like an interrupted download."""
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * keep)])
    return dst


def fault_clip(code: str) -> tuple[Path, dict]:
    """The first sample clip whose truth has fault `code`, with its label."""
    for name, label in sorted(sample_labels().items()):
        if any(f["code"] == code for f in label["faults"]):
            return SAMPLES / name, label
    raise LookupError(f"no sample clip with fault {code}")


def rotated_copy(src: Path, dst: Path) -> Path:
    """The same MP4 with a 90-degree display rotation in its track header, as phones write.

    The pixels stay landscape; only the container says "show me turned", which is exactly
    what a reader that ignores rotation metadata gets wrong.
    """
    import struct

    data = bytearray(src.read_bytes())
    tag = data.find(b"tkhd")
    version = data[tag + 4]
    matrix_at = tag - 4 + (48 if version == 0 else 60)
    rotate_90 = (0, 0x10000, 0, -0x10000 & 0xFFFFFFFF, 0, 0, 0, 0, 0x40000000)
    data[matrix_at : matrix_at + 36] = struct.pack(">9I", *rotate_90)
    dst.write_bytes(bytes(data))
    return dst
