"""The ten compensation checks, one module each, and the function that runs them.

Each module exposes CODE, UNITS and `assess(seq, ctx, cfg) -> CheckResult`. `run_checks`
adds the rules every check shares: only checks that apply to the movement run, a view
that cannot see a check makes it "not assessable", and a clip with no rep has nothing to
judge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from types import ModuleType

from screening.checks import (
    arms_fall_forward,
    asymmetric_shift,
    balance_loss,
    feet_roll_out,
    feet_turn_out,
    forward_lean,
    heel_lift,
    insufficient_depth,
    knee_valgus,
    shoulder_elevation,
)
from screening.checks.base import (
    CheckResult,
    Finding,
    judged_reps,
    most_reps,
    not_assessable,
    view_reason,
)
from screening.core.codes import (
    AT_MOST_BORDERLINE,
    CHECKS_FOR_MOVEMENT,
    Check,
    Movement,
    Side,
    View,
)
from screening.core.scene import Context
from screening.core.sequence import PoseSequence
from screening.core.settings import CheckSettings, Settings

_MODULES: tuple[ModuleType, ...] = (
    heel_lift,
    feet_turn_out,
    feet_roll_out,
    knee_valgus,
    forward_lean,
    arms_fall_forward,
    shoulder_elevation,
    insufficient_depth,
    asymmetric_shift,
    balance_loss,
)
CHECKS: dict[Check, Callable[[PoseSequence, Context, CheckSettings], CheckResult]] = {
    m.CODE: m.assess for m in _MODULES
}
UNITS: dict[Check, str] = {m.CODE: m.UNITS for m in _MODULES}

__all__ = ["CHECKS", "CheckResult", "Finding", "run_checks"]


def settings_for(code: Check, movement: Movement, settings: Settings) -> CheckSettings:
    """The cut-offs for a check; lunges have their own for the knee and the trunk."""
    if movement is Movement.LUNGE and f"{code.value}_lunge" in settings.checks:
        return settings.checks[f"{code.value}_lunge"]
    return settings.checks[code.value]


def run_checks(seq: PoseSequence, ctx: Context, settings: Settings) -> list[CheckResult]:
    """Run every check that applies to the clip's movement."""
    results = []
    for code in CHECKS_FOR_MOVEMENT[ctx.movement]:
        reason = view_reason(code, ctx.view)
        if ctx.unscreened:
            reason = unscreened_reason(ctx.unscreened)
        if reason is None and not ctx.reps:
            reason = "no complete rep was found to judge"
        if reason is not None:
            results.append(not_assessable(code, UNITS[code], reason))
            continue
        results.append(CHECKS[code](seq, ctx, settings_for(code, ctx.movement, settings)))
    return _hints_at_most_borderline(_explained_rolls_dropped(results), ctx.view)


def unscreened_reason(looks_like: str) -> str:
    """Why nothing is judged on a movement the screen is not built for."""
    return (
        f"the movement looks like {looks_like}, which this screen does not judge; "
        "film a deep squat, an overhead squat or a forward lunge"
    )


def _hints_at_most_borderline(results: list[CheckResult], view: View) -> list[CheckResult]:
    """What a check reads where it can only hint (`AT_MOST_BORDERLINE`) is borderline,
    never a finding."""
    for result in results:
        if view in AT_MOST_BORDERLINE.get(result.code, frozenset()) and result.findings:
            result.borderline = [*result.findings, *result.borderline]
            result.findings = []
    return results


def _explained_rolls_dropped(results: list[CheckResult]) -> list[CheckResult]:
    """Drop roll-out findings on a foot that something else already explains.

    The roll-out measure is the ankle point's sideways travel, and two other compensations
    move that point without any roll: a foot that swings its toes out carries the ankle
    sideways (the turn-out finding names it), and a pelvis that shifts to one side tilts
    that leg outward over its foot, and the pose model's ankle point drifts with the shin
    (on a rendered 8 cm shift filmed from 1.7 m the ankle point moved 3-4 cm while the
    real ankle stayed put; the shift finding names it).
    """
    by_code = {r.code: r for r in results}
    roll = by_code.get(Check.FEET_ROLL_OUT)
    if roll is None or not roll.findings:
        return results
    explained: set[str] = set()
    for code in (Check.FEET_TURN_OUT, Check.ASYMMETRIC_SHIFT):
        other = by_code.get(code)
        if other is not None:
            explained |= {f.side for f in other.findings}
    explained = {"left", "right"} if "both" in explained else explained
    if not explained:
        return results
    kept: list[Finding] = []
    for f in roll.findings:
        left = ({"left", "right"} if f.side == "both" else {f.side}) - explained
        if left:
            kept.append(replace(f, side=Side(left.pop()) if len(left) == 1 else Side.BOTH))
    roll.findings = kept if most_reps(kept, judged_reps(roll)) else []
    return results
