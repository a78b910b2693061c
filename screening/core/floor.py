"""The floor and the true vertical as one camera sees them, from the standing feet.

Why this exists: a segment that points partly toward a camera above it looks steeper than
it is (the nearer end drops in the picture), so a thigh 12 degrees below level filmed from
45 degrees and 1.3 m up reads level or above. MediaPipe's 3-D world landmarks do not undo
this; worse, at a deep bottom they put the hip well above where their own 2-D landmark
puts it. Measured on our widened rendered set (docs/accuracy_log.md, 2026-12-05), the
thigh read from the world landmarks was 10-15 degrees too shallow on average.

So a body-frame angle is measured on *lifted* points: the 2-D image landmarks (which
follow the joints in the picture best) in pixels, with MediaPipe's depth (its world z,
scaled to pixels by the standing leg) as the third axis. The true vertical in those
coordinates is tilted by the angle at which the camera looks down at the point; that
angle is read from the floor itself: the two heels and two toes of the standing feet lie
on the floor, so the normal of the plane through them is the vertical at the feet. Higher
points are seen at a shallower angle, by the difference of their image rows over the
focal length.
"""

from __future__ import annotations

import itertools

import numpy as np

from screening.core.kinematics import nanmedian
from screening.core.landmarks import Landmark as L
from screening.core.scene import Context
from screening.core.sequence import PoseSequence

FOCAL_FRACTION = 0.8
"""The focal length as a fraction of the frame's longer side: a 64-degree field of view,
between a laptop webcam's and a phone's. Only a guess is possible from one video; the
depth angle moves by about 1 degree for every 25% this is off."""

DEPTH_DOUBT = 0.3
"""How far the pose model's depth guess may be off, as a fraction. A measure on lifted
points is taken again with the depth stretched and shrunk by this much (`depth_scaled`),
and the spread is part of each rep's uncertainty: a segment across the picture hardly
moves, one pointing at the camera moves a lot, and is then called borderline."""

MAX_DEPRESSION_DEG = 60.0
"""Steeper than this the floor fit is not believed (a camera almost overhead, or feet
the pose model has lost): the vertical then falls back to the image's own up."""

_FEET = [L.LEFT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]
_HEELS = [L.LEFT_HEEL, L.RIGHT_HEEL]


def shot_ranges(ctx: Context) -> list[tuple[int, int]]:
    """[start, end) frame ranges of the video's shots (one range when it is not edited)."""
    edges = [0, *[c for c in ctx.shot_starts if 0 < c < len(ctx.standing)], len(ctx.standing)]
    return [(a, b) for a, b in itertools.pairwise(edges) if b > a]


def lifted(seq: PoseSequence, ctx: Context) -> np.ndarray:
    """(T, 33, 3) image x, y in pixels with the world depth in pixels as z (z away).

    The depth is scaled by the standing leg's pixels per metre of the shot's reps.
    """
    out = np.array(seq.image, dtype=float, copy=True)
    out[..., 2] = np.nan
    for lo, hi in shot_ranges(ctx):
        scales = [
            b.px_per_m for r, b in zip(ctx.reps, ctx.baselines, strict=True) if lo <= r.start < hi
        ]
        if scales:
            out[lo:hi, :, 2] = seq.world[lo:hi, :, 2] * float(np.median(scales))
    return out


def feet_depression_rad(points: np.ndarray, frames: np.ndarray) -> float:
    """How far below level the camera looks at the standing feet, in radians.

    The normal of the plane through both heels and both toes, frame by frame, then the
    median; NaN when no frame has all four points or the angle is not believable.
    """
    normals = []
    for f in frames:
        p = points[f, _FEET]
        if not np.isfinite(p).all():
            continue
        n = np.linalg.svd(p - p.mean(axis=0))[2][-1]
        normals.append(-n if n[1] > 0 else n)  # point up: image y is down
    if not normals:
        return float("nan")
    n = np.median(np.array(normals), axis=0)
    depression = float(np.arctan2(-n[2], -n[1]))
    return depression if abs(np.degrees(depression)) <= MAX_DEPRESSION_DEG else float("nan")


def vertical(seq: PoseSequence, ctx: Context, points: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(T, 3) the true vertical (up) in lifted coordinates at image row rows[t] of frame t.

    Each shot's standing feet give the floor, and with it the angle the camera looks down
    at the feet. A point higher in the picture is seen at a shallower angle: the rays
    differ by the angle between their rows through the focal point. Where a shot has no
    standing frame with all four foot points, the image's own up stands in.
    """
    rows = np.asarray(rows, dtype=float)
    focal = FOCAL_FRACTION * max(seq.width, seq.height)
    centre = seq.height / 2.0
    depression = np.zeros(len(rows))
    standing = np.flatnonzero(ctx.standing)
    for lo, hi in shot_ranges(ctx):
        frames = standing[(standing >= lo) & (standing < hi)]
        feet = feet_depression_rad(points, frames)
        if not np.isfinite(feet):
            continue
        feet_row = float(nanmedian(seq.image[frames][:, _HEELS, 1]))
        ray = feet - (
            np.arctan((feet_row - centre) / focal) - np.arctan((rows[lo:hi] - centre) / focal)
        )
        depression[lo:hi] = np.nan_to_num(ray, nan=feet)
    return np.stack([np.zeros_like(depression), -np.cos(depression), -np.sin(depression)], axis=1)


def toward_left(points: np.ndarray, up: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """(3,) the body's own left-right line in lifted coordinates: a unit level vector toward
    the person's left, from the ankles and hips over `frames` (standing; `up` as
    `vertical` gives it); NaN when they were not seen."""
    line = nanmedian(
        (points[frames, L.LEFT_ANKLE] - points[frames, L.RIGHT_ANKLE])
        + (points[frames, L.LEFT_HIP] - points[frames, L.RIGHT_HIP]),
        axis=0,
    )
    vertical_at = nanmedian(up[frames], axis=0)
    level = np.asarray(line - np.dot(line, vertical_at) * vertical_at)
    norm = np.linalg.norm(level)
    return level / norm if norm > 0 else np.full(3, np.nan)


def depth_scaled(points: np.ndarray) -> list[np.ndarray]:
    """The lifted points with the depth shrunk and stretched by `DEPTH_DOUBT`."""
    out = []
    for scale in (1.0 - DEPTH_DOUBT, 1.0 + DEPTH_DOUBT):
        p = points.copy()
        p[..., 2] *= scale
        out.append(p)
    return out


def doubt(values: list[float], alternates: list[list[float]]) -> list[float]:
    """Per rep, the largest change the alternates (see `depth_scaled`) make to a value."""
    return [
        float(np.nanmax(np.abs(np.array(alt) - v))) if np.isfinite(v) else float("nan")
        for v, *alt in zip(values, *alternates, strict=True)
    ]


def tilt_from_vertical_deg(
    seq: PoseSequence, ctx: Context, points: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> np.ndarray:
    """(T,) 3-D angle of the segment lower->upper from the true vertical, on lifted points.

    Unsigned: it says how far a segment tips, not which way; used where the way is known
    (at a squat's bottom the trunk and the shins tip forward)."""
    up = vertical(seq, ctx, points, (lower[:, 1] + upper[:, 1]) / 2.0)
    d = upper - lower
    cos = np.sum(d * up, axis=-1) / np.linalg.norm(d, axis=-1)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
