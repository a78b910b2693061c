"""Movement timelines: stand, 2-3 reps, stand; and the per-frame pose targets with faults.

Why: the truth needs to know, frame by frame, where each rep starts, bottoms out and ends,
and how strong each fault is. This module decides *when* and *how much* (angles in
degrees, distances in metres, all in world terms); `posing` turns that into a body.

A fault grows during the descent and is strongest at the bottom of each rep (the way a
heel comes up or a knee caves as the squat deepens), then recedes on the way up.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from screening.core.codes import Check, Movement
from screening_synth.faults import Fault, Side

LR = tuple[float, float]
"""A value for the (left, right) side of the body."""


@dataclass(frozen=True)
class Rep:
    """Frame indices of one repetition (inclusive start and end)."""

    start_frame: int
    bottom_frame: int
    end_frame: int

    def as_dict(self) -> dict[str, int]:
        return {
            "start_frame": self.start_frame,
            "bottom_frame": self.bottom_frame,
            "end_frame": self.end_frame,
        }


@dataclass(frozen=True)
class SquatShape:
    """Sagittal angles of a squat at the bottom, degrees.

    shin: tibia forward of vertical. thigh: femur from straight down (90 = horizontal,
    >90 = hip below knee). trunk: hip-to-shoulder line forward of vertical.
    arms_from_vertical: overhead arms' angle forward of vertical (overhead squat only).
    """

    shin: float
    thigh: float
    trunk: float
    arms_from_vertical: float = 8.0


CLEAN_SHAPE: dict[Movement, SquatShape] = {
    Movement.DEEP_SQUAT: SquatShape(shin=36.0, thigh=114.0, trunk=35.0),
    Movement.OVERHEAD_SQUAT: SquatShape(shin=36.0, thigh=112.0, trunk=30.0, arms_from_vertical=8.0),
}
"""A clean bottom position: thighs ~20 deg below horizontal, trunk parallel to (or more
upright than) the shins, overhead arms nearly vertical (FMS deep squat score 3)."""


def wide_shape(movement: Movement, rng: np.random.Generator) -> SquatShape:
    """A clean bottom drawn from the whole range people show, for held-out sets.

    Thighs from just below horizontal (4 degrees) to 26 below, shins 26-42 degrees forward,
    the trunk anywhere from 20 degrees to parallel with the shin (still FMS 3): the samples'
    one bottom shape sits 20-24 degrees below horizontal and hides a depth measure that
    reads a few degrees high.
    """
    shin = float(rng.uniform(26.0, 42.0))
    return replace(
        CLEAN_SHAPE[movement],
        shin=shin,
        thigh=float(rng.uniform(94.0, 116.0)),
        trunk=float(rng.uniform(20.0, shin)),
    )


@dataclass(frozen=True)
class FrameState:
    """Everything `posing` needs to pose the body in one frame (world terms).

    depth: 0 standing tall .. 1 at the bottom of a rep.
    shin_deg / thigh_deg / trunk_deg: see `SquatShape` (squats); trunk also for the lunge.
    shift_m: pelvis moved toward the person's left (+) or right (-).
    trunk_roll_deg: trunk tilted toward the person's left (+) or right (-).
    valgus_deg: knee swung medially about the hip-ankle line.
    heel_lift_m: heel raised with the toes on the floor (the lunge's back foot uses it too).
    turn_out_deg: extra external rotation of the foot about the heel.
    roll_out_deg: inversion of the foot about its outer edge.
    shrug_m: shoulder raised toward the ear.
    arms: "forward" (reaching forward at shoulder height), "overhead" or "hips" (hands on hips).
    arms_from_vertical_deg: overhead arms' angle forward of vertical.
    back_foot_pitch_deg: lunge only, how far the back heel is raised (foot pitch about the toes).
    """

    depth: float = 0.0
    shin_deg: float = 0.0
    thigh_deg: float = 0.0
    trunk_deg: float = 0.0
    shift_m: float = 0.0
    trunk_roll_deg: float = 0.0
    valgus_deg: LR = (0.0, 0.0)
    heel_lift_m: LR = (0.0, 0.0)
    turn_out_deg: LR = (0.0, 0.0)
    roll_out_deg: LR = (0.0, 0.0)
    shrug_m: LR = (0.0, 0.0)
    arms: str = "forward"
    arms_from_vertical_deg: float = 90.0
    back_foot_pitch_deg: float = 0.0


@dataclass(frozen=True)
class Timing:
    """Durations in seconds, drawn once per clip."""

    stand_start: float
    stand_end: float
    rep_durations: tuple[float, ...]
    pauses: tuple[float, ...]  # after each rep but the last
    bottom_hold_fraction: float = 0.1

    @classmethod
    def sample(cls, rng: np.random.Generator, n_reps: int) -> Timing:
        return cls(
            stand_start=float(rng.uniform(0.7, 1.0)),
            stand_end=float(rng.uniform(0.7, 1.0)),
            rep_durations=tuple(float(rng.uniform(2.0, 2.5)) for _ in range(n_reps)),
            pauses=tuple(
                float(rng.choice([0.0, rng.uniform(0.25, 0.6)])) for _ in range(n_reps - 1)
            ),
        )


def smoothstep(x: NDArray[np.float64] | float) -> NDArray[np.float64]:
    """0 below 0, 1 above 1, a smooth S between (zero slope at both ends)."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def depth_profile(timing: Timing, fps: float) -> tuple[NDArray[np.float64], list[Rep]]:
    """Per-frame depth (0 standing .. 1 bottom) and the rep boundaries.

    Each rep: a smooth descent (45%), a short hold at the bottom, a smooth ascent. A rep's
    start_frame is its last standing frame, end_frame the first standing frame after it.
    """
    segments: list[tuple[str, float]] = [("stand", timing.stand_start)]
    for i, d in enumerate(timing.rep_durations):
        segments.append(("rep", d))
        if i < len(timing.pauses) and timing.pauses[i] > 0:
            segments.append(("stand", timing.pauses[i]))
    segments.append(("stand", timing.stand_end))
    total = sum(d for _, d in segments)
    n = round(total * fps)
    t = np.arange(n) / fps
    depth = np.zeros(n)
    reps: list[Rep] = []
    t0 = 0.0
    hold = timing.bottom_hold_fraction
    for kind, d in segments:
        if kind == "rep":
            down = (1.0 - hold) / 2.0
            u = (t - t0) / d
            inside = (u >= 0) & (u <= 1)
            desc = smoothstep(u / down)
            asc = smoothstep((1.0 - u) / down)
            depth[inside] = np.minimum(desc, asc)[inside]
            start = int(np.floor(t0 * fps))
            end = min(int(np.ceil((t0 + d) * fps)), n - 1)
            bottom = round((t0 + d / 2.0) * fps)
            reps.append(Rep(start, bottom, end))
        t0 += d
    return depth, reps


def _lr(fault: Fault, value: float) -> LR:
    return (
        value if fault.side.applies_to("left") else 0.0,
        value if fault.side.applies_to("right") else 0.0,
    )


def _scale_lr(pair: LR, k: float) -> LR:
    return (pair[0] * k, pair[1] * k)


def squat_states(
    movement: Movement,
    faults: list[Fault],
    depth: NDArray[np.float64],
    reps: list[Rep],
    rng: np.random.Generator,
    wide: bool = False,
) -> list[FrameState]:
    """Per-frame targets for a deep or overhead squat with `faults`.

    wide: draw the clean bottom from `wide_shape` instead of the samples' one shape.
    """
    shape = wide_shape(movement, rng) if wide else CLEAN_SHAPE[movement]
    by_code = {f.code: f for f in faults}
    if Check.INSUFFICIENT_DEPTH in by_code:
        stop_above = by_code[Check.INSUFFICIENT_DEPTH].size
        shape = replace(shape, thigh=90.0 - stop_above, shin=22.0, trunk=min(shape.trunk, 26.0))
    if Check.FORWARD_LEAN in by_code:
        shape = replace(shape, shin=shape.shin - 6.0)
        shape = replace(shape, trunk=shape.shin + by_code[Check.FORWARD_LEAN].size)
    if Check.HEEL_LIFT in by_code:
        shape = replace(shape, shin=shape.shin + 4.0)
    # Each rep's bottom varies a little, as a person's does.
    rep_scale = [float(rng.uniform(0.98, 1.0)) for _ in reps]
    rep_fault_scale = [float(rng.uniform(0.92, 1.05)) for _ in reps]
    states = []
    for i, s in enumerate(depth):
        k = next((j for j, r in enumerate(reps) if r.start_frame <= i <= r.end_frame), 0)
        sd = float(s) * rep_scale[k]
        fk = rep_fault_scale[k]
        st = FrameState(
            depth=float(s),
            shin_deg=shape.shin * sd,
            thigh_deg=shape.thigh * sd,
            trunk_deg=shape.trunk * sd,
            arms="overhead" if movement is Movement.OVERHEAD_SQUAT else "forward",
            arms_from_vertical_deg=shape.arms_from_vertical
            if movement is Movement.OVERHEAD_SQUAT
            else 90.0,
        )
        for code, f in by_code.items():
            m = f.size * fk
            if code is Check.HEEL_LIFT:
                st = replace(st, heel_lift_m=_lr(f, m / 100.0 * float(smoothstep((s - 0.3) / 0.6))))
            elif code is Check.FEET_TURN_OUT:
                st = replace(st, turn_out_deg=_lr(f, m * float(smoothstep(s / 0.85))))
            elif code is Check.FEET_ROLL_OUT:
                st = replace(st, roll_out_deg=_lr(f, m * float(smoothstep((s - 0.1) / 0.8))))
            elif code is Check.KNEE_VALGUS:
                st = replace(st, valgus_deg=_lr(f, m * float(s) ** 1.5))
            elif code is Check.SHOULDER_ELEVATION:
                st = replace(st, shrug_m=_lr(f, m / 100.0 * float(smoothstep(s / 0.9))))
            elif code is Check.ARMS_FALL_FORWARD:
                # NASM's fault: the arms end `m` degrees forward of the trunk's line (a clean
                # overhead squat keeps them near vertical, behind a leaning trunk's line).
                base, target = shape.arms_from_vertical, shape.trunk * sd + m
                st = replace(st, arms_from_vertical_deg=base + (target - base) * float(s) ** 1.2)
            elif code is Check.ASYMMETRIC_SHIFT:
                sign = 1.0 if f.side is Side.LEFT else -1.0
                st = replace(
                    st,
                    shift_m=sign * m / 100.0 * float(s) ** 2,
                    trunk_roll_deg=-sign * 3.0 * float(s) ** 2,
                )
        states.append(st)
    return states


LUNGE_TRUNK_DEG = 4.0
LUNGE_FRONT_SHIN_DEG = 8.0
"""At the bottom of the lunge the front shin leans this far forward of vertical."""
BACK_FOOT_PITCH_DEG = (38.0, 62.0)
"""The lunge's back heel is raised (standing on the ball of the foot): this much foot
pitch at the top and at the bottom of a rep."""
"""A clean lunge keeps the trunk upright (a few degrees forward at most)."""


def lunge_states(
    faults: list[Fault],
    depth: NDArray[np.float64],
    reps: list[Rep],
    fps: float,
    front: str,
    rng: np.random.Generator,
) -> list[FrameState]:
    """Per-frame targets for a split-stance lunge with the `front` leg ahead."""
    by_code = {f.code: f for f in faults}
    rep_scale = [float(rng.uniform(0.95, 1.0)) for _ in reps]
    sway_freq = float(rng.uniform(0.9, 1.3))
    sway_phase = float(rng.uniform(0, 2 * np.pi))
    states = []
    for i, s in enumerate(depth):
        k = next((j for j, r in enumerate(reps) if r.start_frame <= i <= r.end_frame), 0)
        sd = float(s) * rep_scale[k]
        st = FrameState(
            depth=sd,
            trunk_deg=LUNGE_TRUNK_DEG * sd,
            arms="hips",
            back_foot_pitch_deg=BACK_FOOT_PITCH_DEG[0]
            + (BACK_FOOT_PITCH_DEG[1] - BACK_FOOT_PITCH_DEG[0]) * sd,
        )
        if Check.FORWARD_LEAN in by_code:
            lean = LUNGE_FRONT_SHIN_DEG + by_code[Check.FORWARD_LEAN].size  # beyond the front shin
            st = replace(st, trunk_deg=lean * float(sd) ** 1.2)
        if Check.KNEE_VALGUS in by_code:
            f = by_code[Check.KNEE_VALGUS]
            v = f.size * float(s) ** 1.5
            st = replace(
                st, valgus_deg=(v if front == "left" else 0.0, v if front == "right" else 0.0)
            )
        if Check.BALANCE_LOSS in by_code:
            f = by_code[Check.BALANCE_LOSS]
            t = i / fps
            amp = f.size / 100.0 * (0.35 + 0.65 * float(s))
            wobble = np.sin(2 * np.pi * sway_freq * t + sway_phase) + 0.35 * np.sin(
                2 * np.pi * 2.3 * sway_freq * t
            )
            sway = amp * float(wobble) / 1.2
            st = replace(st, shift_m=sway, trunk_roll_deg=-sway * 120.0)
        states.append(st)
    return states


@dataclass(frozen=True)
class Stance:
    """Where the feet are, fixed for a clip.

    half_width_m: ankle distance from the midline (squats; ~shoulder width apart).
    turn_out_deg: natural external rotation of each foot while standing.
    front: lunge only, the leg in front ("left" or "right").
    """

    half_width_m: float
    turn_out_deg: float
    front: str = "left"
    extras: dict[str, float] = field(default_factory=dict)
