"""Finding repetitions: start, bottom and end of each squat or lunge.

The signal is how far the hips have dropped toward the feet, as a fraction of the standing
hip-to-ankle height. Using a ratio of two image distances makes it independent of camera
distance and body size, and it works from the front, the side or in between because both
distances shrink together with perspective.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from screening.landmarks import Landmark
from screening.sequence import PoseSequence
from screening.settings import RepSettings

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


def hip_drop_fraction(seq: PoseSequence) -> np.ndarray:
    """(T,) how far the hips are below standing, as a fraction of standing hip-ankle height.

    0 when standing tall, about 0.5-0.6 at the bottom of a deep squat; NaN where no pose.
    Standing height is the 95th percentile over the clip, so a few bad frames do not set it.
    """
    hip_y = seq.image[:, _HIPS, 1].mean(axis=1)
    ankle_y = seq.image[:, _ANKLES, 1].mean(axis=1)
    height = ankle_y - hip_y
    if not np.isfinite(height).any():
        return np.full(len(seq), np.nan)
    standing = float(np.nanpercentile(height, 95))
    if standing <= 0:
        return np.full(len(seq), np.nan)
    return (standing - height) / standing


def find_reps(seq: PoseSequence, settings: RepSettings) -> list[Rep]:
    """Segment reps from the hip-drop signal.

    A rep is a dip at least `min_depth_fraction` deep; it starts and ends where the hips are
    back within `boundary_fraction` of that dip's depth from standing. Small bobs, pauses at
    the bottom and slow reps do not split or merge reps because peaks must stand out by the
    minimum depth (prominence) and be `min_rep_interval_s` apart.
    """
    drop = hip_drop_fraction(seq)
    valid = np.isfinite(drop)
    if valid.sum() < 3:
        return []
    # Peaks need a gap-free signal; gaps left after filling are treated as standing.
    signal = np.where(valid, drop, 0.0)
    rate = seq.fps if seq.fps > 0 else 30.0
    distance = max(1, int(settings.min_rep_interval_s * rate))
    peaks, _ = find_peaks(signal, prominence=settings.min_depth_fraction,
                          height=settings.min_depth_fraction, distance=distance)
    reps: list[Rep] = []
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
            end = int(peak) + int(np.argmin(signal[peak:next_peak + 1]))
        reps.append(Rep(index=len(reps), start=start, bottom=int(peak), end=end,
                        depth_fraction=depth))
        previous_end = end
    return reps
