"""Sideways measures in the body's own frame: a camera a little off the person's front
must not turn the squat's forward and backward travel into a knee collapse or a shift."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from screening.checks import run_checks
from screening.context import build_context
from screening.vocabulary import Check

from .builders import Pose, squat_sequence

CLEAN_BOTTOM = Pose(shank_deg=35.0, thigh_above_deg=-10.0, trunk_deg=35.0)


def _results(seq, settings):
    ctx = build_context(seq, settings.reps, settings.context)
    assert ctx.view.value == "front" and len(ctx.reps) == 2
    return {r.code: r for r in run_checks(seq, ctx, settings)}


@pytest.mark.parametrize("yaw", [-15.0, 15.0])
def test_a_clean_squat_filmed_15_degrees_off_the_front_reads_near_zero(yaw, settings):
    """The hips travel back 19 cm and the knees forward 24 cm: read along the image's
    horizontal at 15 degrees that is a 4.9 cm shift and an 8.5 degree one-sided knee."""
    results = _results(squat_sequence("front", bottom=CLEAN_BOTTOM, yaw_deg=yaw), settings)
    for code in (Check.KNEE_VALGUS, Check.ASYMMETRIC_SHIFT):
        assert results[code].assessable
        assert not results[code].findings, code
        assert max(abs(v) for v in results[code].rep_values) < 1.0, code


@pytest.mark.parametrize("yaw", [-15.0, 15.0])
def test_a_real_shift_filmed_15_degrees_off_the_front_keeps_its_size(yaw, settings):
    bottom = replace(CLEAN_BOTTOM, pelvis_shift_m=0.05)
    r = _results(squat_sequence("front", bottom=bottom, yaw_deg=yaw), settings)
    shift = r[Check.ASYMMETRIC_SHIFT]
    assert [f.side for f in shift.findings] == ["left", "left"]
    # The hip points are 5 cm over; the feet stay: the pelvis moved 5 cm along the body.
    assert shift.rep_values == pytest.approx([5.0, 5.0], abs=0.3)


@pytest.mark.parametrize("yaw", [-15.0, 15.0])
def test_caving_knees_filmed_15_degrees_off_the_front_are_found_on_both_sides(yaw, settings):
    bottom = replace(CLEAN_BOTTOM, knee_in_m=0.08)
    r = _results(squat_sequence("front", bottom=bottom, yaw_deg=yaw), settings)
    knee = r[Check.KNEE_VALGUS]
    assert [f.side for f in knee.findings] == ["both", "both"]
    expected = np.degrees(np.arcsin(0.08 / 0.42))
    for side in ("left", "right"):
        bottom_values = [knee.series[side][f] for f in (knee.findings[0].frames[len(
            knee.findings[0].frames) // 2],)]
        assert bottom_values[0] == pytest.approx(expected, abs=1.5)
