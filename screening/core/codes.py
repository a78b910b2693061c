"""The product's fixed vocabulary: movements, camera views, check codes, and which view sees what.

One place for these names so that the checks, the scorer, the sample-video generator and
the evaluation all agree. SPEC section 5 is the source of the view table.
"""

from __future__ import annotations

from enum import StrEnum


class Movement(StrEnum):
    """The movements the screen knows.

    deep_squat: feet about shoulder width, squat as deep as possible, arms free (reaching
    forward or at the chest). overhead_squat: the same squat with the arms held straight
    overhead throughout (FMS deep squat / NASM overhead squat). lunge: split stance, the back
    knee lowers toward the floor and rises again. back_squat: a squat with a bar across the
    upper back (hands on the bar, wide, at the shoulders); not an FMS test, so it is judged
    for what applies under a bar and not scored.
    """

    DEEP_SQUAT = "deep_squat"
    OVERHEAD_SQUAT = "overhead_squat"
    LUNGE = "lunge"
    BACK_SQUAT = "back_squat"


class View(StrEnum):
    """Where the camera stands relative to the person.

    side_left means the person's LEFT side faces the camera; side_right, the right side.
    oblique is anywhere about 30-60 degrees between front and side.
    """

    FRONT = "front"
    SIDE_LEFT = "side_left"
    SIDE_RIGHT = "side_right"
    OBLIQUE = "oblique"


def known_view(text: object) -> View | None:
    """The view a record names, or None (a combined record names several; old ones none)."""
    return View(text) if isinstance(text, str) and text in View.__members__.values() else None


class Check(StrEnum):
    """The compensations the screen looks for (SPEC section 5)."""

    HEEL_LIFT = "heel_lift"
    FEET_TURN_OUT = "feet_turn_out"
    FEET_ROLL_OUT = "feet_roll_out"
    KNEE_VALGUS = "knee_valgus"
    FORWARD_LEAN = "forward_lean"
    ARMS_FALL_FORWARD = "arms_fall_forward"
    SHOULDER_ELEVATION = "shoulder_elevation"
    INSUFFICIENT_DEPTH = "insufficient_depth"
    ASYMMETRIC_SHIFT = "asymmetric_shift"
    BALANCE_LOSS = "balance_loss"


class Route(StrEnum):
    """The four programs a screen routes to, in the order they are considered: pain comes
    first, then missing range (mobility), then range not controlled (stability), else
    building on a clean pattern (conditioning)."""

    PAIN = "pain"
    MOBILITY = "mobility"
    STABILITY = "stability"
    CONDITIONING = "conditioning"


class Side(StrEnum):
    """Which side a finding is on: the person's own left or right, both, or none (one
    body-wide sign, such as the trunk)."""

    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"
    NONE = "none"


class Severity(StrEnum):
    """How far past its threshold a finding is, by the check's three cut-offs."""

    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


_SIDE = frozenset({View.SIDE_LEFT, View.SIDE_RIGHT})

VIEWS_THAT_SEE: dict[Check, frozenset[View]] = {
    Check.HEEL_LIFT: _SIDE | {View.OBLIQUE},
    # The toes' sideways offset over the foot's length is sin(turn - camera angle), so the
    # change of its arcsine from standing is the turn itself from any camera angle that
    # still sees the foot's width: from 45 degrees as from the front.
    Check.FEET_TURN_OUT: frozenset({View.FRONT, View.OBLIQUE}),
    Check.FEET_ROLL_OUT: frozenset({View.FRONT}),
    Check.KNEE_VALGUS: frozenset({View.FRONT}),
    Check.FORWARD_LEAN: _SIDE | {View.OBLIQUE},
    Check.ARMS_FALL_FORWARD: _SIDE,
    Check.SHOULDER_ELEVATION: frozenset({View.FRONT}),
    Check.INSUFFICIENT_DEPTH: _SIDE | {View.OBLIQUE},
    Check.ASYMMETRIC_SHIFT: frozenset({View.FRONT}),
    # Sway is sideways: the side view sees it only as motion toward the camera, which a
    # single camera measures poorly, so the front and oblique views judge it.
    Check.BALANCE_LOSS: frozenset({View.FRONT, View.OBLIQUE}),
}

AT_MOST_BORDERLINE: dict[Check, frozenset[View]] = {
    # Read from the ankle point, which wanders as far on clean real squats as a real roll
    # moves it (checks/feet_roll_out.py).
    Check.FEET_ROLL_OUT: frozenset(View),
}
"""Checks that, from these views, are a hint at most: what they read is shown as borderline
and never changes the score or the route."""
"""For each check, the camera views from which it can be assessed at all."""

CHECKS_FOR_MOVEMENT: dict[Movement, tuple[Check, ...]] = {
    # With the arms reaching forward by design, "arms fall forward" has no meaning.
    Movement.DEEP_SQUAT: tuple(
        c for c in Check if c not in (Check.BALANCE_LOSS, Check.ARMS_FALL_FORWARD)
    ),
    Movement.OVERHEAD_SQUAT: tuple(c for c in Check if c is not Check.BALANCE_LOSS),
    Movement.LUNGE: (Check.KNEE_VALGUS, Check.FORWARD_LEAN, Check.BALANCE_LOSS),
    # Under a bar the trunk leans further by design and the arms hold the bar, so the FMS
    # trunk and arm criteria do not apply; knees, heels, feet, depth and shift do.
    Movement.BACK_SQUAT: (
        Check.HEEL_LIFT,
        Check.FEET_TURN_OUT,
        Check.FEET_ROLL_OUT,
        Check.KNEE_VALGUS,
        Check.INSUFFICIENT_DEPTH,
        Check.ASYMMETRIC_SHIFT,
    ),
}
"""Which checks apply to which movement."""


def can_see(check: Check | str, view: View | str) -> bool:
    """True when `check` can be assessed from camera `view`."""
    return View(view) in VIEWS_THAT_SEE[Check(check)]
