"""Pictures of a result: the key frame of each finding and the measure over time.

Shared by the web app and reports, so both show the same evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from screening.annotate import draw_label, draw_pose
from screening.checks.base import CheckResult, Finding
from screening.pipeline import Analysis
from screening.video import VideoFileSource


@dataclass(frozen=True)
class KeyFrame:
    finding: Finding
    image: np.ndarray  # RGB with the skeleton drawn
    frame: int


def key_frame_index(finding: Finding) -> int:
    """The frame that best shows a finding: the middle of the frames that show it."""
    return finding.frames[len(finding.frames) // 2]


def key_frames(video: str | Path, analysis: Analysis, findings: list[Finding],
               max_side: int = 480) -> list[KeyFrame]:
    """One annotated frame per finding (decoding the video once)."""
    wanted = {key_frame_index(f) for f in findings}
    seq = analysis.clean
    position = {int(fi): i for i, fi in enumerate(seq.frame_indices)}
    images: dict[int, np.ndarray] = {}
    with VideoFileSource(video) as source:
        for frame in source:
            if frame.index in wanted and frame.index in position:
                i = position[frame.index]
                images[frame.index] = draw_pose(frame.rgb, seq.image[i], seq.visibility[i])
            if len(images) == len(wanted):
                break
    out = []
    for f in findings:
        idx = key_frame_index(f)
        if idx not in images:
            continue
        img = images[idx].copy()
        draw_label(img, f"{f.code.replace('_', ' ')}: {abs(f.value):.0f} {f.units}")
        out.append(KeyFrame(f, _shrink(img, max_side), idx))
    return out


def _shrink(rgb: np.ndarray, max_side: int) -> np.ndarray:
    import cv2

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
