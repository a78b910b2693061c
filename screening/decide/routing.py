"""Routing to a program: pain -> mobility -> stability -> conditioning.

Pain always wins. Then missing range (mobility) comes before missing control (stability),
because control cannot be trained in a range that is not there. Retakes sharpen the call:
a fault that disappears with the heels elevated points to the ankles (mobility), one that
disappears with the hands on the hips points to the shoulders and upper back (mobility);
depth missing in every variant points to the hips.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from screening.checks.base import CheckResult
from screening.core.codes import Check, Movement, Route

MOBILITY_SIGNS = frozenset(
    {
        Check.HEEL_LIFT,
        Check.INSUFFICIENT_DEPTH,
        Check.ARMS_FALL_FORWARD,
        Check.FORWARD_LEAN,
        Check.FEET_TURN_OUT,
    }
)
STABILITY_SIGNS = frozenset(
    {
        Check.KNEE_VALGUS,
        Check.FEET_ROLL_OUT,
        Check.ASYMMETRIC_SHIFT,
        Check.BALANCE_LOSS,
        Check.SHOULDER_ELEVATION,
    }
)
HEEL_RETAKE_SHARPENS = frozenset(
    {
        Check.HEEL_LIFT,
        Check.FORWARD_LEAN,
        Check.INSUFFICIENT_DEPTH,
        Check.KNEE_VALGUS,
        Check.FEET_TURN_OUT,
    }
)
HANDS_RETAKE_SHARPENS = frozenset({Check.ARMS_FALL_FORWARD, Check.FORWARD_LEAN})


@dataclass
class RouteDecision:
    route: Route
    reasons: list[str] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)
    """Where the limitation probably sits: ankle, hip, shoulder, control."""
    suggested_retakes: list[str] = field(default_factory=list)


def _codes(results: list[CheckResult] | None) -> set[Check]:
    return {r.code for r in results or [] if r.findings}


def _seen_clear(results: list[CheckResult]) -> set[Check]:
    """Checks a take judged and found clean (not borderline). A check the take could not
    see (the wrong view for it) says nothing either way, so it never "went away"."""
    return {r.code for r in results if r.assessable and not r.findings and not r.borderline}


def decide_route(
    results: list[CheckResult],
    movement: Movement,
    pain: dict[str, float],
    heels_elevated: list[CheckResult] | None = None,
    hands_on_hips: list[CheckResult] | None = None,
) -> RouteDecision:
    """Pick the route and say why, and which retake would make the decision sharper."""
    painful = {region: nrs for region, nrs in pain.items() if nrs > 0}
    if painful:
        where = ", ".join(f"{r} {n:g}/10" for r, n in sorted(painful.items()))
        return RouteDecision(Route.PAIN, [f"pain was reported ({where}): pain comes first"])
    seen = _codes(results)
    mobility: set[Check] = seen & MOBILITY_SIGNS
    focus: list[str] = []
    reasons: list[str] = []
    if heels_elevated is not None:
        resolved = seen & _seen_clear(heels_elevated)
        if resolved:
            mobility |= resolved
            focus.append("ankle")
            reasons.append(
                "with the heels elevated these went away: "
                + ", ".join(sorted(c.value for c in resolved))
                + " (points to ankle mobility)"
            )
        if Check.INSUFFICIENT_DEPTH in seen & _codes(heels_elevated):
            focus.append("hip")
            reasons.append("depth was missing with the heels elevated too (points to the hips)")
    if hands_on_hips is not None:
        resolved = seen & HANDS_RETAKE_SHARPENS & _seen_clear(hands_on_hips)
        if resolved:
            mobility |= resolved
            focus.append("shoulder")
            reasons.append(
                "with the hands on the hips these went away: "
                + ", ".join(sorted(c.value for c in resolved))
                + " (points to shoulder and upper-back mobility)"
            )
    stability = (seen & STABILITY_SIGNS) - mobility
    suggested = []
    heel_retake_applies = movement in (Movement.DEEP_SQUAT, Movement.OVERHEAD_SQUAT)
    if heels_elevated is None and heel_retake_applies and seen & HEEL_RETAKE_SHARPENS:
        suggested.append("heels_elevated")
    if (
        hands_on_hips is None
        and movement is Movement.OVERHEAD_SQUAT
        and seen & HANDS_RETAKE_SHARPENS
    ):
        suggested.append("hands_on_hips")
    if mobility:
        if Check.HEEL_LIFT in mobility and "ankle" not in focus:
            focus.append("ankle")
        if Check.ARMS_FALL_FORWARD in mobility and "shoulder" not in focus:
            focus.append("shoulder")
        if Check.INSUFFICIENT_DEPTH in mobility and "hip" not in focus:
            focus.append("hip")
        reasons.insert(0, "range is missing: " + ", ".join(sorted(c.value for c in mobility)))
        if stability:
            reasons.append(
                "control issues to train once the range is back: "
                + ", ".join(sorted(c.value for c in stability))
            )
        return RouteDecision(Route.MOBILITY, reasons, focus, suggested)
    if stability:
        reasons.insert(
            0,
            "the range is there but not controlled: "
            + ", ".join(sorted(c.value for c in stability)),
        )
        return RouteDecision(Route.STABILITY, reasons, [*focus, "control"], suggested)
    return RouteDecision(
        Route.CONDITIONING, ["no compensation was seen and nothing hurt"], focus, []
    )
