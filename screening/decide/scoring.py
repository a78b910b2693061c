"""FMS-style 0-3 score and the criteria it rests on.

Deep squat (FMS): 3 = torso parallel to the tibia or more upright, femur below horizontal,
knees over the feet, arms over the feet, heels down; 2 = the same met only with the heels
elevated; 1 = not met even then; 0 = pain. Without the heel-elevated retake a failed squat
cannot be told apart between 1 and 2, so the score is the lower bound, marked provisional.
In-line lunge: 3 = torso upright, knee in line and balance kept; 2 = any compensation;
1 = balance lost; 0 = pain.
"""

from __future__ import annotations

from screening.checks.base import CheckResult
from screening.core.codes import Check, Movement
from screening.core.results import Score

SQUAT_CRITERIA: dict[str, Check] = {
    "torso_parallel_to_tibia_or_upright": Check.FORWARD_LEAN,
    "femur_below_horizontal": Check.INSUFFICIENT_DEPTH,
    "knees_over_feet": Check.KNEE_VALGUS,
    "arms_over_feet": Check.ARMS_FALL_FORWARD,
    "heels_down": Check.HEEL_LIFT,
}
LUNGE_CRITERIA: dict[str, Check] = {
    "torso_upright": Check.FORWARD_LEAN,
    "knee_in_line": Check.KNEE_VALGUS,
    "balance_kept": Check.BALANCE_LOSS,
}


def _set(score: Score, fms: int, basis: str, provisional: bool | None = None) -> None:
    """Settle the score (and, when given, whether it is provisional) with its reason."""
    score["fms"], score["basis"] = fms, basis
    if provisional is not None:
        score["provisional"] = provisional


def criteria(results: list[CheckResult], movement: Movement) -> tuple[dict[str, bool], list[str]]:
    """Which criteria are met (True), failed (False), and which could not be seen."""
    by_code = {r.code: r for r in results}
    table = LUNGE_CRITERIA if movement is Movement.LUNGE else SQUAT_CRITERIA
    met: dict[str, bool] = {}
    unseen: list[str] = []
    for name, code in table.items():
        r = by_code.get(code)
        if r is None:
            continue  # the check does not apply to this movement (e.g. arms in a deep squat)
        if not r.assessable:
            unseen.append(name)
        else:
            met[name] = not r.findings
    return met, unseen


def fms_score(
    results: list[CheckResult],
    movement: Movement,
    pain: bool,
    heels_elevated: list[CheckResult] | None = None,
) -> Score:
    """The score record: {"fms", "criteria", "not_assessed", "provisional", "basis"}."""
    met, unseen = criteria(results, movement)
    retake_met = None
    if heels_elevated is not None:
        retake_met, _ = criteria(heels_elevated, movement)
        retake_met.pop("heels_down", None)
    return score_from_criteria(met, unseen, movement, pain, retake_met)


def score_from_criteria(
    met: dict[str, bool],
    unseen: list[str],
    movement: Movement,
    pain: bool,
    retake_met: dict[str, bool] | None = None,
) -> Score:
    """The score from criteria already decided (by the checks, or by a therapist's review).

    retake_met: the criteria of a heels-elevated retake (heels_down left out), when one was
    filmed.
    """
    score = Score(
        fms=None, criteria=dict(met), not_assessed=list(unseen), provisional=False, basis=""
    )
    if pain:
        _set(score, fms=0, basis="pain during the movement scores 0")
        return score
    if movement is Movement.BACK_SQUAT:
        score["basis"] = "a back squat is not an FMS test: judged for its compensations, not scored"
        return score
    if not met:
        score["basis"] = "no scoring criterion could be seen from this view"
        return score
    if unseen:
        score["provisional"] = True
    if movement is Movement.LUNGE:
        if not met.get("balance_kept", True):
            _set(score, fms=1, basis="balance was lost")
        elif all(met.values()):
            _set(score, fms=3, basis="all criteria met")
        else:
            _set(score, fms=2, basis="the lunge was completed with compensations")
        return score
    if all(met.values()):
        _set(score, fms=3, basis="all criteria met with the heels flat")
        return score
    if retake_met is None:
        _set(
            score,
            fms=1,
            provisional=True,
            basis="criteria not met with the heels flat; a heels-elevated retake "
            "decides between 1 and 2",
        )
        return score
    # With the heels raised every other criterion must be met: one the retake failed scores
    # 1; one it could not see (filmed from the wrong view) leaves 1 as a lower bound.
    required = [name for name in met if name != "heels_down"]
    if any(retake_met.get(name) is False for name in required):
        _set(score, fms=1, basis="criteria not met even with the heels elevated")
    elif unjudged := [name for name in required if name not in retake_met]:
        _set(
            score,
            fms=1,
            provisional=True,
            basis="the heels-elevated retake could not see "
            + ", ".join(unjudged)
            + "; film it from the same view",
        )
    else:
        _set(score, fms=2, basis="criteria met only with the heels elevated")
    return score
