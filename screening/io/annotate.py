"""Drawing the skeleton on frames, and writing annotated videos browsers can play.

Videos are written with PyAV's libx264 (H.264, yuv420p): OpenCV's wheels can only write
mp4v, which browsers refuse to play.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from screening.core.landmarks import SKELETON_EDGES, Landmark
from screening.io.files import private_file
from screening.io.frame_store import FrameStore
from screening.io.video import Frame

LEFT_COLOUR = (66, 135, 245)  # RGB: the person's left side in blue
RIGHT_COLOUR = (245, 130, 48)  # the right side in orange
MIDLINE_COLOUR = (230, 230, 230)
MIN_VISIBILITY = 0.3


def _side_colour(a: Landmark, b: Landmark) -> tuple[int, int, int]:
    names = a.name + b.name
    if "LEFT" in names and "RIGHT" not in names:
        return LEFT_COLOUR
    if "RIGHT" in names and "LEFT" not in names:
        return RIGHT_COLOUR
    return MIDLINE_COLOUR


def draw_pose(
    rgb: np.ndarray, image_xy: np.ndarray, visibility: np.ndarray | None = None
) -> np.ndarray:
    """Draw bones and joints of one pose on a copy of an RGB frame.

    image_xy: (33, 2+) pixel coordinates; landmarks that are NaN or barely visible are skipped
    so the overlay never points at a guess.
    """
    out = rgb.copy()
    scale = max(1, round(max(out.shape[:2]) / 480))
    ok = np.isfinite(image_xy[:, :2]).all(axis=1)
    if visibility is not None:
        ok &= np.nan_to_num(visibility, nan=0.0) >= MIN_VISIBILITY
    pts = np.nan_to_num(image_xy[:, :2]).round().astype(int)
    for a, b in SKELETON_EDGES:
        if ok[a] and ok[b]:
            cv2.line(out, tuple(pts[a]), tuple(pts[b]), _side_colour(a, b), 2 * scale, cv2.LINE_AA)
    for lm in Landmark:
        if ok[lm] and lm >= Landmark.LEFT_SHOULDER:
            cv2.circle(out, tuple(pts[lm]), 3 * scale, (255, 255, 255), -1, cv2.LINE_AA)
    return out


def draw_label(rgb: np.ndarray, text: str, row: int = 0) -> None:
    """Write a line of text with a dark backing in the top-left corner (in place)."""
    scale = max(0.5, max(rgb.shape[:2]) / 960)
    thickness = max(1, round(scale * 2))
    (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    y = int(10 + (row + 1) * (h + base + 8))
    cv2.rectangle(rgb, (6, y - h - 6), (14 + w, y + base + 2), (20, 20, 20), -1)
    cv2.putText(
        rgb, text, (10, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), thickness, cv2.LINE_AA
    )


class H264Writer:
    """Write RGB frames to an H.264 MP4 that browsers play."""

    def __init__(
        self, path: str | Path, fps: float, width: int, height: int, crf: int = 23
    ) -> None:
        # A video of someone's body is health data: owner-only, like everything we write.
        self.path = private_file(path)
        # yuv420p needs even dimensions.
        self.width, self.height = width - width % 2, height - height % 2
        self._container = av.open(str(self.path), mode="w")
        rate = Fraction(fps).limit_denominator(1001) if fps > 0 else Fraction(30)
        self._stream = self._container.add_stream("libx264", rate=rate)
        self._stream.width, self._stream.height = self.width, self.height
        self._stream.pix_fmt = "yuv420p"
        self._stream.options = {"crf": str(crf), "preset": "veryfast"}

    def write(self, rgb: np.ndarray) -> None:
        frame = av.VideoFrame.from_ndarray(
            np.ascontiguousarray(rgb[: self.height, : self.width]), format="rgb24"
        )
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def close(self) -> None:
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()

    def __enter__(self) -> H264Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def pose_rows(frame_indices: np.ndarray, frame_index: int) -> int:
    """The row of the pose sequence to draw on decoded frame `frame_index`: the latest
    analysed frame at or before it (-1 before the first). With `[pose] frame_step` > 1 the
    model saw only every k-th frame, so frame k of the video is not row k."""
    return int(np.searchsorted(frame_indices, frame_index, side="right")) - 1


def write_annotated(
    frames: Iterable[Frame],
    image: np.ndarray,
    visibility: np.ndarray,
    frame_indices: np.ndarray,
    rep_of_frame: np.ndarray,
    out_path: str | Path,
    fps: float,
    width: int,
    height: int,
    *,
    keep: Collection[int] = (),
    store: FrameStore | None = None,
) -> Path:
    """Re-read the video and draw the (cleaned) skeleton and rep counter on every frame.

    image: (T, 33, 3) landmarks of the analysed frames, whose decoder numbers are
    `frame_indices` (T,); rep_of_frame: (T,) the number of reps completed by each. Every
    decoded frame up to the last analysed one's stride is written, at the video's own rate.
    Frames whose numbers are in `keep` go into `store` as they pass (the report's key
    frames), so nothing needs decoding again.
    """
    if len(frame_indices) == 0:
        raise ValueError("no analysed frame to draw")
    stride = int(np.median(np.diff(frame_indices))) if len(frame_indices) > 1 else 1
    last = int(frame_indices[-1]) + stride
    with H264Writer(out_path, fps, width, height) as writer:
        for frame in frames:
            if frame.index >= last:
                break
            if store is not None and frame.index in keep:
                store.add(frame.index, frame.rgb, frame.timestamp_s)
            row = pose_rows(frame_indices, frame.index)
            if row < 0:
                writer.write(frame.rgb)
                continue
            drawn = draw_pose(frame.rgb, image[row], visibility[row])
            draw_label(drawn, f"reps {int(rep_of_frame[row])}")
            writer.write(drawn)
    return Path(out_path)
