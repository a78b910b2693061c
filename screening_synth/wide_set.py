"""A widened set split into a tuning region and a held-out region (issue 25, item 6).

Why: the committed samples film every clip from one of four narrow camera ranges, with one
bottom shape per movement, so a measure that only works there still scores perfectly on
them. This set draws the clean bottom from the whole range people show (`motion.wide_shape`),
leans the trunk up to 65 degrees, and films from anywhere between the front and the side,
from 0.5 to 2 m high. The two regions never overlap:

- tune: cameras within 10 degrees of the front or the side, or 40-50 degrees off the front,
  0.8-1.4 m high: where thresholds may be chosen;
- held: cameras 25-35 or 55-65 degrees off the front (labelled oblique), or 10-20 degrees
  off the front or side, and 0.5-0.8 or 1.4-2.0 m high: only ever measured, never tuned on.

Each clip's seed is the set's seed + its index, so one clip can be re-rendered alone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from screening.core.codes import Check, Movement, View
from screening_synth.clip import ClipSpec
from screening_synth.faults import Fault, Side

WIDE_SEED = 43000000
"""Seeds 43000000 onward are held-out seeds: never used to train the pose networks."""

REGIONS = ("tune", "held")

M, V, C, S = Movement, View, Check, Side

_FAULTS: list[tuple[Movement, tuple[Fault, ...]]] = [
    (M.DEEP_SQUAT, ()),
    (M.OVERHEAD_SQUAT, ()),
    (M.DEEP_SQUAT, ()),
    (M.OVERHEAD_SQUAT, ()),
    (M.DEEP_SQUAT, (Fault(C.FORWARD_LEAN, S.NONE, 30.0),)),
    (M.OVERHEAD_SQUAT, (Fault(C.FORWARD_LEAN, S.NONE, 32.0),)),
    (M.DEEP_SQUAT, (Fault(C.INSUFFICIENT_DEPTH, S.NONE, 25.0),)),
    (M.OVERHEAD_SQUAT, (Fault(C.INSUFFICIENT_DEPTH, S.NONE, 30.0),)),
    (M.DEEP_SQUAT, (Fault(C.KNEE_VALGUS, S.BOTH, 15.0),)),
    (M.OVERHEAD_SQUAT, (Fault(C.KNEE_VALGUS, S.LEFT, 16.0),)),
    (M.DEEP_SQUAT, (Fault(C.ASYMMETRIC_SHIFT, S.RIGHT, 8.0),)),
    (M.DEEP_SQUAT, (Fault(C.FEET_TURN_OUT, S.BOTH, 20.0),)),
    (M.DEEP_SQUAT, (Fault(C.HEEL_LIFT, S.BOTH, 4.0),)),
    (M.OVERHEAD_SQUAT, (Fault(C.ARMS_FALL_FORWARD, S.BOTH, 25.0),)),
    (M.OVERHEAD_SQUAT, (Fault(C.SHOULDER_ELEVATION, S.BOTH, 4.5),)),
]
"""Each fault once per view group, and four clean squats."""


def _camera(
    region: str, group: str, rng: np.random.Generator
) -> tuple[View, tuple[float, float], tuple[float, float]]:
    """(view label, yaw range, height range) for one clip of `region` and view `group`."""
    sign = 1.0 if rng.random() < 0.5 else -1.0
    if region == "tune":
        heights = (0.8, 1.4)
        if group == "front":
            return V.FRONT, (-10.0, 10.0), heights
        if group == "side":
            return (
                (V.SIDE_LEFT if sign > 0 else V.SIDE_RIGHT),
                (sign * 90.0 - 10.0, sign * 90.0 + 10.0),
                heights,
            )
        return V.OBLIQUE, (sign * 40.0, sign * 50.0) if sign > 0 else (-50.0, -40.0), heights
    heights = (0.5, 0.8) if rng.random() < 0.5 else (1.4, 2.0)
    if group == "front":
        lo, hi = sorted((sign * 10.0, sign * 20.0))
        return V.FRONT, (lo, hi), heights
    if group == "side":
        lo, hi = sorted((sign * 70.0, sign * 80.0))
        return (V.SIDE_LEFT if sign > 0 else V.SIDE_RIGHT), (lo, hi), heights
    band = (25.0, 35.0) if rng.random() < 0.5 else (55.0, 65.0)
    lo, hi = sorted((sign * band[0], sign * band[1]))
    return V.OBLIQUE, (lo, hi), heights


def wide_specs(region: str, seed: int = WIDE_SEED) -> list[ClipSpec]:
    """The set for `region`: every clip of `_FAULTS` from the oblique group, and again from
    the front or side group as its fault's view allows (clean clips from both)."""
    if region not in REGIONS:
        raise ValueError(f"region must be one of {REGIONS}, not {region!r}")
    from screening.core.codes import VIEWS_THAT_SEE
    from screening_synth.sample_set import clip_name

    specs: list[ClipSpec] = []
    offset = 0 if region == "tune" else 500
    for group in ("oblique", "front", "side"):
        for movement, faults in _FAULTS:
            probe = V.FRONT if group == "front" else V.SIDE_LEFT if group == "side" else None
            if probe is not None and faults and probe not in VIEWS_THAT_SEE[faults[0].code]:
                continue
            i = offset + len(specs)
            rng = np.random.default_rng(seed + i + 7919)
            view, yaw, heights = _camera(region, group, rng)
            specs.append(
                ClipSpec(
                    name=f"{clip_name(movement, view, faults)}__{i:03d}",
                    movement=movement,
                    view=view,
                    faults=faults,
                    seed=seed + i,
                    camera_heights_m=heights,
                    yaw_deg=yaw,
                    wide=True,
                )
            )
    return specs


OBLIQUE_TARGET: frozenset[Check] = frozenset(
    {
        C.INSUFFICIENT_DEPTH,
        C.FORWARD_LEAN,
        C.ARMS_FALL_FORWARD,
        C.KNEE_VALGUS,
        C.HEEL_LIFT,
        C.FEET_TURN_OUT,
        C.ASYMMETRIC_SHIFT,
        C.BALANCE_LOSS,
    }
)
"""What issue 25 asks to be judged from 45 degrees. The labels of this set count these as
judged from an oblique camera whatever the screen can do today, so that a fault lost to
"not assessable" counts as a miss."""


def judged(spec: ClipSpec, region: str) -> dict[str, object]:
    """The clip label's `assessable`: what the view can see, and the oblique target."""
    from screening.core.codes import CHECKS_FOR_MOVEMENT, VIEWS_THAT_SEE

    checks = [
        c
        for c in CHECKS_FOR_MOVEMENT[spec.movement]
        if spec.view in VIEWS_THAT_SEE[c] or (spec.view is V.OBLIQUE and c in OBLIQUE_TARGET)
    ]
    return {"assessable": [str(c) for c in checks], "region": region}


def regenerate_wide(
    out_dir: Path,
    region: str,
    workers: int = 2,
    seed: int = WIDE_SEED,
    only: list[str] | None = None,
) -> dict[str, object]:
    """Render one region of the widened set into `out_dir` with its labels.json."""
    from screening_synth.sample_set import generator_info, render_set

    info = generator_info(seed)
    info.update(
        {
            "command": f"python -m screening_synth wide-set --region {region}",
            "clip_seed": "seed + index (held region: from 500)",
            "region": region,
            "camera_heights_m": "see screening_synth.wide_set",
        }
    )
    return render_set(
        wide_specs(region, seed), out_dir, workers, info, only, lambda spec: judged(spec, region)
    )
