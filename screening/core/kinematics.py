"""Small vectorised geometry on landmark arrays: midpoints, angles, segment lengths.

Every function takes time-first arrays and returns one value per frame, so checks read as
formulas. Angles are in degrees and lengths keep the units of their input; names say which.
"""

from __future__ import annotations

import warnings

import numpy as np

from screening.core.landmarks import Landmark


def point(a: np.ndarray, lm: Landmark) -> np.ndarray:
    """(T, D) trajectory of one landmark from a (T, 33, D) array."""
    return a[:, int(lm), :]


def midpoint(a: np.ndarray, left: Landmark, right: Landmark) -> np.ndarray:
    """(T, D) point halfway between two landmarks (NaN if either is missing)."""
    return (a[:, int(left), :] + a[:, int(right), :]) / 2.0


def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(T,) Euclidean distance between two (T, D) trajectories."""
    return np.linalg.norm(a - b, axis=-1)


def joint_angle_deg(a: np.ndarray, joint: np.ndarray, c: np.ndarray) -> np.ndarray:
    """(T,) interior angle a-joint-c in degrees (180 = straight)."""
    u, v = a - joint, c - joint
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def nanmedian(values: np.ndarray, axis: int | None = None) -> np.ndarray | float:
    """Median ignoring NaN, and NaN (without a warning) when there is nothing to take."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(values, axis=axis)


def nanmean(values: np.ndarray, axis: int | None = None) -> np.ndarray | float:
    """Mean ignoring NaN, and NaN (without a warning) when there is nothing to take."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values, axis=axis)


def forward_angle_deg(lower: np.ndarray, upper: np.ndarray, facing: float) -> np.ndarray:
    """Signed angle of lower->upper from vertical, positive toward where the person faces."""
    d = upper[:, :2] - lower[:, :2]
    return np.degrees(np.arctan2(facing * d[:, 0], -d[:, 1]))
