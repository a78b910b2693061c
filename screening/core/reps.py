"""Finding repetitions: start, bottom and end of each squat or lunge.

The signal is how far the hips have dropped toward the feet, as a fraction of the standing
hip-to-ankle height. Using a ratio of two image distances makes it independent of camera
distance and body size, and it works from the front, the side or in between because both
distances shrink together with perspective.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np
from scipy.signal import find_peaks

from screening.core.landmarks import Landmark
from screening.core.sequence import PoseSequence
from screening.core.settings import RepSettings

_HIPS = [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]
_ANKLES = [Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE]


@dataclass(frozen=True)
class Rep:
    """One repetition, as indices into the sequence (not decoder frame numbers)."""

    index: int
    start: int
    bottom: int
    end: int
    depth_fraction: float
    whole: bool = True
    """False when a cut between shots (see screening.core.shots) interrupts it: the video shows
    only its first or last part, so it is not judged."""


def shots(length: int, shot_starts: Sequence[int] = ()) -> list[tuple[int, int]]:
    """(first, last + 1) of each shot: the clip split at the frames where a new shot begins."""
    bounds = [0, *sorted(c for c in shot_starts if 0 < c < length), length]
    return [(lo, hi) for lo, hi in pairwise(bounds) if hi > lo]


UPRIGHT_FRACTION = 0.25
"""Frames whose hips are less than this far below the shot's tallest stance may be standing
(a deep squat's bottom is 0.4-0.6 down): the candidates a frame's standing height is read
from. Loose enough to keep the standing frames of a stretch filmed up to 1.3x farther away."""


def hip_drop_fraction(
    seq: PoseSequence, shot_starts: Sequence[int] = (), reference_s: float | None = None
) -> np.ndarray:
    """(T,) how far the hips are below standing, as a fraction of standing hip-ankle height.

    0 when standing tall, about 0.5-0.6 at the bottom of a deep squat; NaN where no pose.
    Standing height is the 95th percentile of the hip-ankle height within the frame's shot,
    so a few bad frames do not set it and a cut to a closer or wider shot starts afresh.
    With `reference_s`, only over the nearest that-many seconds of upright frames before the
    frame and as many after it: a camera that zooms slowly or a person stepping toward it
    then does not look crouched, and a long pause at the bottom still measures against the
    standing on either side of it.
    """
    hip_y = seq.image[:, _HIPS, 1].mean(axis=1)
    ankle_y = seq.image[:, _ANKLES, 1].mean(axis=1)
    height = ankle_y - hip_y
    rate = seq.fps if seq.fps > 0 else 30.0
    out = np.full(len(seq), np.nan)
    for lo, hi in shots(len(seq), shot_starts):
        part = height[lo:hi]
        if not np.isfinite(part).any():
            continue
        tallest = float(np.nanpercentile(part, 95))
        standing = np.full(len(part), tallest)
        if reference_s is not None and tallest > 0:
            standing = _nearby_standing(part, tallest, max(1, int(reference_s * rate)))
        with np.errstate(invalid="ignore", divide="ignore"):
            out[lo:hi] = np.where(standing > 0, (standing - part) / standing, np.nan)
    return out


def _nearby_standing(height: np.ndarray, tallest: float, count: int) -> np.ndarray:
    """(T,) standing height at each frame: the 95th percentile of the `count` upright frames
    nearest before it and the `count` nearest after it (see UPRIGHT_FRACTION)."""
    with np.errstate(invalid="ignore"):
        upright = np.flatnonzero(height > (1 - UPRIGHT_FRACTION) * tallest)
    if len(upright) == 0:
        return np.full(len(height), tallest)
    at = np.searchsorted(upright, np.arange(len(height)))
    first = np.maximum(at - count, 0)
    last = np.minimum(at + count, len(upright))
    known: dict[tuple[int, int], float] = {}
    out = np.empty(len(height))
    for t, (a, b) in enumerate(zip(first, last, strict=True)):
        key = (int(a), int(b))
        if key not in known:  # frames between the same upright ones share one answer
            known[key] = float(np.percentile(height[upright[a:b]], 95))
        out[t] = known[key]
    return out


def find_reps(
    seq: PoseSequence,
    settings: RepSettings,
    shot_starts: Sequence[int] = (),
    drop: np.ndarray | None = None,
) -> list[Rep]:
    """Segment reps from the hip-drop signal, shot by shot.

    A rep is a dip at least `min_depth_fraction` deep; it starts and ends where the hips are
    back within `boundary_fraction` of that dip's depth from standing. Small bobs, pauses at
    the bottom and slow reps do not split or merge reps because peaks must stand out by the
    minimum depth (prominence) and be `min_rep_interval_s` apart. A rep that a cut between
    shots interrupts is returned with `whole=False`. `drop`: the hip-drop signal when the
    caller already has it (hip_drop_fraction with these shots and settings).
    """
    if drop is None:
        drop = hip_drop_fraction(seq, shot_starts, settings.standing_reference_s)
    rate = seq.fps if seq.fps > 0 else 30.0
    distance = max(1, int(settings.min_rep_interval_s * rate))
    reps: list[Rep] = []
    for lo, hi in shots(len(seq), shot_starts):
        at_cut = (lo > 0, hi < len(seq))
        for start, bottom, end, depth in _dips(drop[lo:hi], settings, distance, at_cut):
            threshold = depth * settings.boundary_fraction
            cut_in = lo > 0 and start == 0 and drop[lo] > threshold
            cut_out = hi < len(seq) and end == hi - lo - 1 and drop[hi - 1] > threshold
            rep = Rep(
                index=len(reps),
                start=lo + start,
                bottom=lo + bottom,
                end=lo + end,
                depth_fraction=depth,
                whole=not (cut_in or cut_out),
            )
            if cut_in and reps and not reps[-1].whole and reps[-1].end == lo - 1:
                # The same rep on both sides of the cut: one interrupted rep, not two.
                deeper = max(reps[-1], rep, key=lambda r: r.depth_fraction)
                rep = replace(
                    deeper, index=reps[-1].index, start=reps[-1].start, end=rep.end, whole=False
                )
                reps.pop()
            reps.append(rep)
    return reps


def _dips(
    drop: np.ndarray,
    settings: RepSettings,
    distance: int,
    at_cut: tuple[bool, bool] = (False, False),
) -> list[tuple[int, int, int, float]]:
    """(start, bottom, end, depth) of each dip in one shot's hip-drop signal. `at_cut`:
    whether the shot begins and ends at a cut (rather than at the clip's ends)."""
    valid = np.isfinite(drop)
    if valid.sum() < 3:
        return []
    # Peaks need a gap-free signal; gaps left after filling are treated as standing.
    signal = np.where(valid, drop, 0.0)
    # A shot cut mid-squat: pad the cut with standing so that the dip is still found (and
    # reported as interrupted). The clip's own ends are not padded: someone already
    # crouching when the recording starts has not done a rep.
    padded = np.concatenate([[0.0] * at_cut[0], signal, [0.0] * at_cut[1]])
    peaks, _ = find_peaks(
        padded,
        prominence=settings.min_depth_fraction,
        height=settings.min_depth_fraction,
        distance=distance,
    )
    peaks = peaks - int(at_cut[0])
    out = []
    previous_end = 0
    for i, peak in enumerate(peaks):
        depth = float(signal[peak])
        threshold = depth * settings.boundary_fraction
        start = int(peak)
        while start > previous_end and signal[start - 1] > threshold:
            start -= 1
        next_peak = int(peaks[i + 1]) if i + 1 < len(peaks) else len(signal) - 1
        end = int(peak)
        while end < next_peak and signal[end + 1] > threshold:
            end += 1
        # Between two reps with no return to standing, split at the highest point.
        if end == next_peak and i + 1 < len(peaks):
            end = int(peak) + int(np.argmin(signal[peak : next_peak + 1]))
        if depth - signal[start] < settings.min_depth_fraction and _unseen_before(valid, start):
            # First seen low, with no real descent after it: someone walking in from afar
            # (a standing person who is still small looks crouched), or a video fading in
            # on someone already at the bottom. (A rep lost before its rise still counts:
            # its descent and bottom were seen, as when a video fades out mid-lunge.)
            continue
        out.append((start, int(peak), end, depth))
        previous_end = end
    return out


def _unseen_before(valid: np.ndarray, frame: int) -> bool:
    """Whether the pose was missing just before `frame` (nobody in the picture yet). The
    clip's first frame is not: a recording may start mid-rep, and a shot may start at a cut
    (an interrupted rep)."""
    return frame > 0 and not valid[frame - 1]
