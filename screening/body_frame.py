"""Measures in the body's own frame, so they do not depend on where the camera stands.

MediaPipe's world landmarks are metric and centred on the hips, but their axes follow the
camera: x is the image's horizontal, z the depth. A sideways measure read along image x
from a camera turned 10 degrees off the person's front picks up the squat's forward and
backward travel: the hips move back about 25 cm, so the pelvis seems to shift 4 cm to one
side and one knee seems to cave 6 degrees while the other flares, on a clean squat.

Here the body's left-right axis is taken from the standing frames (the horizontal line from
the right hip to the left hip, which the feet keep while they stay planted), and sideways
positions are read along it, with the depth coordinate doing its share. The depth estimate
is the model's weakest coordinate, but near the front it enters only as sin(yaw) of it.
"""

from __future__ import annotations

import numpy as np

from screening.kinematics import nanmedian, point
from screening.landmarks import Landmark as L
from screening.sequence import PoseSequence


def lateral_axis(seq: PoseSequence, frames: np.ndarray) -> np.ndarray:
    """(3,) unit vector toward the person's left, horizontal, in the world frame.

    World y points down (along gravity for a level camera), so horizontal means y = 0.
    """
    w = seq.world[frames]
    across = point(w, L.LEFT_HIP) - point(w, L.RIGHT_HIP)
    axis = np.array([nanmedian(across[:, 0]), 0.0, nanmedian(across[:, 2])])
    norm = float(np.linalg.norm(axis))
    if not np.isfinite(norm) or norm == 0.0:
        return np.array([np.nan, 0.0, np.nan])
    return axis / norm


def toward_left_m(seq: PoseSequence, a: tuple[L, ...], b: tuple[L, ...],
                  axis: np.ndarray, px_per_m: np.ndarray) -> np.ndarray:
    """(T,) how far point a lies toward the person's left of point b, in metres.

    a, b: landmarks whose mean is the point (e.g. both hips for the pelvis). axis: (T, 3)
    from `axis_series`; px_per_m: (T,) image scale. The camera's horizontal comes from
    the image points (more precise than the world ones), the depth from the world points;
    the axis weighs each by how the body is turned.
    """
    def mean(arr: np.ndarray, lms: tuple[L, ...]) -> np.ndarray:
        return np.mean(arr[:, [int(lm) for lm in lms], :], axis=1)

    across_m = (mean(seq.image, a)[:, 0] - mean(seq.image, b)[:, 0]) / px_per_m
    depth_m = mean(seq.world, a)[:, 2] - mean(seq.world, b)[:, 2]
    return across_m * axis[:, 0] + depth_m * axis[:, 2]


def axis_series(seq: PoseSequence, segments: list[tuple[slice, np.ndarray]]) -> np.ndarray:
    """(T, 3) the lateral axis of the rep each frame belongs to.

    segments: (frames of a rep's stretch, that rep's standing frames), as from
    `screening.checks.base.rep_segments`; people turn between reps, not within one.
    """
    out = np.full((len(seq), 3), np.nan)
    for part, standing in segments:
        out[part] = lateral_axis(seq, standing)
    return out
