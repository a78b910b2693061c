"""Cleaning landmark trajectories: gap filling, zero-phase Butterworth, One-Euro.

Recorded video is filtered forwards and backwards (zero phase), so the bottom of a squat is
not shifted later in time. Live frames cannot wait for the future, so they use the One-Euro
filter (Casiez, Roussel and Vogel, CHI 2012), which smooths hard when the body is still and
follows quickly when it moves. All functions work on time-first arrays and leave NaN where
there is nothing to interpolate from.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from scipy.signal import butter, sosfiltfilt

from screening.core.sequence import PoseSequence
from screening.core.settings import FilterSettings


def _nan_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of True in a 1-D boolean array."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def fill_gaps(values: np.ndarray, timestamps_s: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linearly interpolate interior NaN gaps no longer than `max_gap_s`, column by column.

    Leading and trailing gaps and longer gaps stay NaN: inventing a pose across a long
    occlusion would make up movement that nobody saw.
    """
    out = np.array(values, dtype=np.float64, copy=True)
    flat = out.reshape(len(out), -1)
    for col in range(flat.shape[1]):
        y = flat[:, col]
        missing = np.isnan(y)
        if not missing.any() or missing.all():
            continue
        for start, stop in _nan_runs(missing):
            if start == 0 or stop == len(y):
                continue
            if timestamps_s[stop] - timestamps_s[start - 1] > max_gap_s + 1e-9:
                continue
            y[start:stop] = np.interp(
                timestamps_s[start:stop],
                [timestamps_s[start - 1], timestamps_s[stop]],
                [y[start - 1], y[stop]],
            )
    return out


def butterworth_zero_phase(
    values: np.ndarray, sample_rate_hz: float, cutoff_hz: float, order: int
) -> np.ndarray:
    """Low-pass each column forwards and backwards, run by run between NaN gaps.

    A cut-off at or above the Nyquist frequency leaves the data unchanged (nothing to remove).
    Runs too short to pad are left as they are rather than ringing.
    """
    out = np.array(values, dtype=np.float64, copy=True)
    nyquist = sample_rate_hz / 2.0
    if cutoff_hz >= nyquist * 0.99 or len(out) < 2:
        return out
    sos = butter(order, cutoff_hz / nyquist, btype="low", output="sos")
    default_pad = 3 * (2 * len(sos) + 1)
    flat = out.reshape(len(out), -1)
    for col in range(flat.shape[1]):
        y = flat[:, col]
        for start, stop in _nan_runs(~np.isnan(y)):
            n = stop - start
            if n < 4:
                continue
            y[start:stop] = sosfiltfilt(sos, y[start:stop], padlen=min(default_pad, n - 1))
    return out


def sample_rate(timestamps_s: np.ndarray, fallback_hz: float) -> float:
    """Frames per second from the median frame interval (robust to a few dropped frames)."""
    if len(timestamps_s) > 1:
        dt = float(np.median(np.diff(timestamps_s)))
        if dt > 0:
            return 1.0 / dt
    return fallback_hz if fallback_hz > 0 else 30.0


def smooth_recorded(seq: PoseSequence, settings: FilterSettings) -> PoseSequence:
    """Gap-fill and zero-phase filter a recorded sequence (image and world landmarks)."""
    rate = sample_rate(seq.timestamps_s, seq.fps)
    t = seq.timestamps_s

    def clean(a: np.ndarray) -> np.ndarray:
        filled = fill_gaps(a, t, settings.max_gap_s)
        return butterworth_zero_phase(
            filled, rate, settings.butterworth_cutoff_hz, settings.butterworth_order
        )

    return replace(
        seq,
        image=clean(seq.image),
        world=clean(seq.world),
        visibility=fill_gaps(seq.visibility, t, settings.max_gap_s),
        presence=fill_gaps(seq.presence, t, settings.max_gap_s),
    )


class OneEuroFilter:
    """Adaptive low-pass for live values of any fixed shape (e.g. a (33, 3) pose per frame).

    The cut-off rises with the speed of the signal: min_cutoff_hz sets the smoothing when
    still (lower = smoother), beta how fast it opens up with speed (higher = less lag).
    NaN inputs (no pose this frame) pass through and do not disturb the state.
    """

    def __init__(self, min_cutoff_hz: float, beta: float, d_cutoff_hz: float) -> None:
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self.d_cutoff_hz = d_cutoff_hz
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: float | None = None

    @staticmethod
    def _alpha(cutoff_hz: np.ndarray | float, dt: float) -> np.ndarray:
        tau = 1.0 / (2.0 * math.pi * np.asarray(cutoff_hz))
        return 1.0 / (1.0 + tau / dt)

    def reset(self) -> None:
        self._x = self._dx = self._t = None

    def __call__(self, value: np.ndarray, timestamp_s: float) -> np.ndarray:
        x = np.asarray(value, dtype=np.float64)
        if self._x is None or self._t is None or self._dx is None:
            self._x, self._dx, self._t = x.copy(), np.zeros_like(x), timestamp_s
            return x.copy()
        dt = timestamp_s - self._t
        if dt <= 0:
            return self._x.copy()
        self._t = timestamp_s
        # Where either the new or the previous value is missing, restart from the new value.
        restart = np.isnan(x) | np.isnan(self._x)
        dx = (x - self._x) / dt
        a_d = self._alpha(self.d_cutoff_hz, dt)
        dx_hat = a_d * dx + (1 - a_d) * self._dx
        cutoff = self.min_cutoff_hz + self.beta * np.abs(dx_hat)
        a = self._alpha(cutoff, dt)
        x_hat = a * x + (1 - a) * self._x
        x_hat = np.where(restart, x, x_hat)
        self._dx = np.where(restart, 0.0, dx_hat)
        self._x = x_hat
        return x_hat.copy()
