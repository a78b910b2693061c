"""Known-answer tests for gap filling, the zero-phase Butterworth and the One-Euro filter."""

from __future__ import annotations

import numpy as np
import pytest

from screening.core.filtering import (
    OneEuroFilter,
    butterworth_zero_phase,
    fill_gaps,
    sample_rate,
    smooth_recorded,
)

from .builders import make_sequence, squat_profile


def test_fill_gaps_interpolates_short_interior_gap_exactly_on_a_line():
    t = np.arange(20) / 10.0
    y = 3.0 * t + 1.0
    y_gap = y.copy()
    y_gap[5:8] = np.nan
    filled = fill_gaps(y_gap[:, None], t, max_gap_s=0.5)[:, 0]
    np.testing.assert_allclose(filled, y)


def test_fill_gaps_leaves_long_gaps_and_edges_missing():
    t = np.arange(30) / 10.0
    y = np.ones(30)
    y[:2] = np.nan  # leading
    y[10:20] = np.nan  # 1.1 s gap, longer than 0.5 s
    y[-1] = np.nan  # trailing
    filled = fill_gaps(y[:, None], t, max_gap_s=0.5)[:, 0]
    assert np.isnan(filled[:2]).all()
    assert np.isnan(filled[10:20]).all()
    assert np.isnan(filled[-1])


def test_butterworth_passes_slow_movement_and_removes_fast_noise():
    fps = 30.0
    t = np.arange(300) / fps
    slow = np.sin(2 * np.pi * 0.5 * t)  # a squat every 2 s
    fast = 0.3 * np.sin(2 * np.pi * 12.0 * t)  # 12 Hz jitter
    out = butterworth_zero_phase((slow + fast)[:, None], fps, cutoff_hz=6.0, order=4)[:, 0]
    core = slice(30, -30)
    assert np.max(np.abs(out[core] - slow[core])) < 0.01


def test_butterworth_is_zero_phase_peak_does_not_move():
    fps = 30.0
    t = np.arange(200) / fps
    pulse = np.exp(-((t - 3.0) ** 2) / (2 * 0.3**2))
    out = butterworth_zero_phase(pulse[:, None], fps, cutoff_hz=3.0, order=4)[:, 0]
    assert np.argmax(out) == np.argmax(pulse)


def test_butterworth_filters_around_nan_gaps_without_spreading_them():
    y = np.ones(100)
    y[40:50] = np.nan
    out = butterworth_zero_phase(y[:, None], 30.0, 6.0, 4)[:, 0]
    assert np.isnan(out[40:50]).all()
    np.testing.assert_allclose(out[:40], 1.0, atol=1e-9)
    np.testing.assert_allclose(out[50:], 1.0, atol=1e-9)


def test_sample_rate_from_timestamps_ignores_one_dropped_frame():
    t = np.delete(np.arange(100) / 25.0, 50)
    assert sample_rate(t, 30.0) == pytest.approx(25.0)


def test_one_euro_converges_to_a_constant_and_smooths_jitter():
    rng = np.random.default_rng(1)
    f = OneEuroFilter(min_cutoff_hz=1.0, beta=0.0, d_cutoff_hz=1.0)
    noisy = 100.0 + rng.normal(0, 2.0, 300)
    out = np.array([f(np.array([v]), i / 30.0)[0] for i, v in enumerate(noisy)])
    assert np.std(out[100:]) < 0.5 * np.std(noisy[100:])
    assert abs(np.mean(out[100:]) - 100.0) < 0.5


def test_one_euro_with_beta_follows_a_fast_move_better():
    t = np.arange(60) / 30.0
    step = np.where(t > 1.0, 100.0, 0.0)
    lazy = OneEuroFilter(1.0, 0.0, 1.0)
    quick = OneEuroFilter(1.0, 0.5, 1.0)
    lazy_out = [lazy(np.array([v]), s)[0] for v, s in zip(step, t, strict=True)]
    quick_out = [quick(np.array([v]), s)[0] for v, s in zip(step, t, strict=True)]
    k = int(1.2 * 30)  # 0.2 s after the step
    assert quick_out[k] > 90.0 > lazy_out[k]


def test_one_euro_restarts_after_missing_values():
    f = OneEuroFilter(1.0, 0.0, 1.0)
    f(np.array([0.0]), 0.0)
    assert np.isnan(f(np.array([np.nan]), 0.033)[0])
    assert f(np.array([50.0]), 0.066)[0] == 50.0


def test_smooth_recorded_keeps_shape_and_fills_short_gaps(settings):
    drop, _ = squat_profile(2)
    drop[60:63] = np.nan
    seq = make_sequence(drop)
    out = smooth_recorded(seq, settings.filter)
    assert out.image.shape == seq.image.shape
    assert np.isfinite(out.image[60:63]).all()
