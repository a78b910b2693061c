"""Pictures of a result: the key frame of each finding and the measure over time.

Shared by the web app and reports, so both show the same evidence. Key frames come from the
video file, or, for a live take whose video is not stored, from the frames kept in memory
(`FrameStore`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from screening.checks.base import CheckResult, Finding, key_frame_index
from screening.core.settings import InputSettings
from screening.engine.pipeline import Analysis
from screening.io.annotate import draw_label, draw_pose
from screening.io.frame_store import FrameSource, FrameStore, shrink
from screening.io.video import VideoFileSource


@dataclass(frozen=True)
class KeyFrame:
    finding: Finding
    image: np.ndarray  # RGB with the skeleton drawn
    frame: int


def _frames_wanted(
    source: FrameSource, wanted: set[int], limits: InputSettings | None = None
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
    with VideoFileSource(source, limits) as frames:
        for frame in frames:
            if frame.index in wanted:
                out[frame.index] = (frame.index, frame.rgb, 1.0)
            if len(out) == len(wanted):
                break
    return out


def key_frames(
    video: FrameSource, analysis: Analysis, findings: list[Finding], max_side: int = 480
) -> list[KeyFrame]:
    """One annotated frame per finding (decoding the video once)."""
    seq = analysis.clean
    position = {int(fi): i for i, fi in enumerate(seq.frame_indices)}
    wanted = {key_frame_index(f) for f in findings} & set(position)
    images: dict[int, tuple[int, np.ndarray]] = {}
    for index, (shown, rgb, scale) in _frames_wanted(video, wanted, analysis.limits).items():
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
        out.append(KeyFrame(f, shrink(img, max_side), shown))
    return out


def measure_table(analysis: Analysis, check: CheckResult) -> dict[str, np.ndarray]:
    """Columns for a chart: time in seconds, the measure per side, and the threshold."""
    t = analysis.clean.timestamps_s - analysis.clean.timestamps_s[0]
    cols = {"time_s": t}
    for side, values in check.series.items():
        cols[side if side not in ("none", "both") else check.code.value] = values
    cols["threshold"] = np.full(len(t), check.threshold)
    return cols
