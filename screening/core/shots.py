"""Cuts between shots in an edited video, found from the landmarks.

Exercise videos from the web are often edited: a title card, a zoomed-in close-up, the
same squat from another camera. Across a cut the whole body jumps in the picture, faster
than any person moves, and a rep's standing baseline taken in another shot measures
nonsense (a heel "lifting" 38 cm because the camera zoomed). So the context keeps each
rep's baseline inside its own shot and drops a rep that a cut runs through.

A fast rise out of a squat can move the upper body as fast as a cut (a small person
filmed from afar, standing up in a fifth of a second read 11 torso lengths a second on a
real clip), but the planted feet stay where they are; across a cut they usually jump with
the rest. So where the feet are seen and stay put, only a jump too fast for anyone
(`PLANTED_FACTOR` times the cut speed) is a cut: a splice between two clips framed alike.
"""

from __future__ import annotations

import numpy as np

from screening.core.kinematics import midpoint
from screening.core.landmarks import Landmark as L
from screening.core.sequence import PoseSequence

MIN_VISIBILITY = 0.5
"""Landmarks seen at least this well in both frames are the ones whose jump is measured."""


FEET = [
    L.LEFT_ANKLE,
    L.RIGHT_ANKLE,
    L.LEFT_HEEL,
    L.RIGHT_HEEL,
    L.LEFT_FOOT_INDEX,
    L.RIGHT_FOOT_INDEX,
]

FEET_SHARE = 0.5
"""Feet moving slower than this share of the cut speed are planted."""

PLANTED_FACTOR = 2.0
"""With the feet planted, the body must jump this many times the cut speed to be a cut."""


def body_speed(seq: PoseSequence, parts: list[L] | None = None) -> np.ndarray:
    """(T,) how fast the body moves in the picture into each frame, in torso lengths per second.

    The median over the landmarks (or `parts`) seen in both frames, so one limb swinging
    fast does not count; NaN for the first frame and where the pose (or every part) is
    missing.
    """
    out = np.full(len(seq), np.nan)
    if len(seq) < 2:
        return out
    img = seq.image[:, :, :2]
    torso = np.linalg.norm(
        midpoint(img, L.LEFT_SHOULDER, L.RIGHT_SHOULDER) - midpoint(img, L.LEFT_HIP, L.RIGHT_HIP),
        axis=1,
    )
    step = np.linalg.norm(img[1:] - img[:-1], axis=2)
    seen = (seq.visibility[1:] >= MIN_VISIBILITY) & (seq.visibility[:-1] >= MIN_VISIBILITY)
    if parts is not None:
        keep = np.zeros(seen.shape[1], dtype=bool)
        keep[[int(p) for p in parts]] = True
        seen &= keep
    dt = np.diff(seq.timestamps_s)
    with np.errstate(invalid="ignore", divide="ignore"):
        moved = np.array(
            [np.median(s[k]) if k.any() else np.nan for s, k in zip(step, seen, strict=True)]
        )
        out[1:] = moved / np.fmin(torso[1:], torso[:-1]) / np.where(dt > 0, dt, np.nan)
    return out


SETTLE_S = 0.15
"""MediaPipe's tracking takes a frame or two to catch up with a cut, so jumps this close
together are one cut; the new shot starts at the last of them, once the pose has settled."""


def shot_starts(seq: PoseSequence, max_speed: float) -> list[int]:
    """Frame positions where a new shot begins: the body jumped faster than `max_speed`
    (`PLANTED_FACTOR` times that where the feet are seen to stay planted)."""
    speed = body_speed(seq)
    feet = body_speed(seq, FEET)
    with np.errstate(invalid="ignore"):
        planted = np.isfinite(feet) & (feet < FEET_SHARE * max_speed)
        limit = np.where(planted, PLANTED_FACTOR * max_speed, max_speed)
        jumps = [int(t) for t in np.flatnonzero(speed > limit)]
    starts: list[int] = []
    for t in jumps:
        if starts and seq.timestamps_s[t] - seq.timestamps_s[starts[-1]] <= SETTLE_S:
            starts[-1] = t  # the same cut, still settling
        else:
            starts.append(t)
    return starts
