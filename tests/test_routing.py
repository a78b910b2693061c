"""Score, route and program tables: pain first, then mobility, stability, conditioning."""

from __future__ import annotations

import pytest

from screening.checks.base import CheckResult, Finding
from screening.core.codes import CHECKS_FOR_MOVEMENT, Check, Movement
from screening.core.errors import SettingsError
from screening.decide.programs import build_program, load_library, parse_library
from screening.decide.routing import decide_route
from screening.decide.scoring import fms_score


def results(movement: Movement, faults: set[Check], unseen: set[Check] = frozenset()):
    out = []
    for code in CHECKS_FOR_MOVEMENT[movement]:
        r = CheckResult(code=code, units="cm", assessable=code not in unseen)
        if code in faults:
            r.findings = [Finding(code.value, "left", "moderate", 0.9, 4.0, "cm", 1, [10])]
        out.append(r)
    return out


SQUAT = Movement.OVERHEAD_SQUAT


def test_clean_pain_free_squat_scores_3_and_routes_to_conditioning():
    r = results(SQUAT, set())
    assert fms_score(r, SQUAT, pain=False)["fms"] == 3
    assert decide_route(r, SQUAT, {}).route == "conditioning"


@pytest.mark.parametrize("fault", list(CHECKS_FOR_MOVEMENT[SQUAT]))
def test_pain_beats_every_finding(fault):
    r = results(SQUAT, {fault})
    decision = decide_route(r, SQUAT, {"knee": 3})
    assert decision.route == "pain"
    assert "knee 3/10" in decision.reasons[0]
    assert fms_score(r, SQUAT, pain=True)["fms"] == 0


def test_zero_pain_is_no_pain():
    assert decide_route(results(SQUAT, set()), SQUAT, {"knee": 0}).route == "conditioning"


@pytest.mark.parametrize(
    ("faults", "route"),
    [
        ({Check.HEEL_LIFT}, "mobility"),
        ({Check.INSUFFICIENT_DEPTH}, "mobility"),
        ({Check.ARMS_FALL_FORWARD}, "mobility"),
        ({Check.KNEE_VALGUS}, "stability"),
        ({Check.FEET_ROLL_OUT}, "stability"),
        ({Check.ASYMMETRIC_SHIFT}, "stability"),
        ({Check.KNEE_VALGUS, Check.HEEL_LIFT}, "mobility"),  # range before control
    ],
)
def test_mobility_before_stability(faults, route):
    assert decide_route(results(SQUAT, faults), SQUAT, {}).route == route


def test_valgus_that_goes_away_with_heels_elevated_points_to_the_ankle():
    main = results(SQUAT, {Check.KNEE_VALGUS})
    retake = results(SQUAT, set())
    decision = decide_route(main, SQUAT, {}, heels_elevated=retake)
    assert decision.route == "mobility" and "ankle" in decision.focus
    assert fms_score(main, SQUAT, False, heels_elevated=retake)["fms"] == 2


def test_valgus_that_stays_with_heels_elevated_is_stability_and_scores_1():
    main = results(SQUAT, {Check.KNEE_VALGUS})
    decision = decide_route(main, SQUAT, {}, heels_elevated=main)
    assert decision.route == "stability"
    assert fms_score(main, SQUAT, False, heels_elevated=main)["fms"] == 1


def test_without_retake_the_result_asks_for_the_one_that_would_help():
    decision = decide_route(results(SQUAT, {Check.ARMS_FALL_FORWARD, Check.HEEL_LIFT}), SQUAT, {})
    assert decision.suggested_retakes == ["heels_elevated", "hands_on_hips"]
    score = fms_score(results(SQUAT, {Check.HEEL_LIFT}), SQUAT, False)
    assert score["fms"] == 1 and score["provisional"] is True


def test_depth_missing_in_every_variant_points_to_the_hips():
    main = results(SQUAT, {Check.INSUFFICIENT_DEPTH})
    decision = decide_route(main, SQUAT, {}, heels_elevated=main)
    assert decision.route == "mobility" and "hip" in decision.focus


def test_lunge_scores():
    lunge = Movement.LUNGE
    assert fms_score(results(lunge, set()), lunge, False)["fms"] == 3
    assert fms_score(results(lunge, {Check.FORWARD_LEAN}), lunge, False)["fms"] == 2
    assert fms_score(results(lunge, {Check.BALANCE_LOSS}), lunge, False)["fms"] == 1


def test_criteria_the_view_cannot_see_are_listed_not_guessed():
    r = results(SQUAT, set(), unseen={Check.HEEL_LIFT, Check.FORWARD_LEAN})
    score = fms_score(r, SQUAT, False)
    assert "heels_down" not in score["criteria"]
    assert set(score["not_assessed"]) == {"heels_down", "torso_parallel_to_tibia_or_upright"}
    assert score["provisional"] is True


def test_program_explains_itself_from_the_finding():
    f = Finding("heel_lift", "left", "moderate", 0.9, 4.2, "cm", 1, [30])
    program = build_program("mobility", [f])
    assert program["id"] == "mobility"
    phases = [e["phase"] for e in program["exercises"]]
    assert phases == sorted(phases, key=["release", "lengthen", "activate", "integrate"].index)
    assert phases[0] == "release"
    whys = [e["why"] for e in program["exercises"]]
    assert "Because your left heel lifted about 4 cm at the bottom of rep 2" in whys[0]
    assert program["exercises"][0]["name"] == "Ball roll under the sole of the foot"


def test_pain_program_is_gentle_release_only():
    f = Finding("knee_valgus", "left", "moderate", 0.9, 12, "deg", 0, [30])
    program = build_program("pain", [f])
    assert {e["phase"] for e in program["exercises"]} == {"release"}


def test_every_finding_has_exercises_in_the_library():
    lib = load_library()
    assert set(lib.findings) == {c.value for c in Check}


def test_library_with_an_unknown_exercise_fails_naming_it():
    import tomllib
    from importlib import resources

    data = tomllib.loads(resources.files("screening.data").joinpath("programs.toml").read_text())
    data["findings"]["heel_lift"]["exercises"].append("moonwalk")
    with pytest.raises(SettingsError, match="unknown exercise 'moonwalk'"):
        parse_library(data)


FRONT_ONLY = {
    Check.HEEL_LIFT,
    Check.FORWARD_LEAN,
    Check.INSUFFICIENT_DEPTH,
    Check.ARMS_FALL_FORWARD,
}
SIDE_ONLY = {
    Check.KNEE_VALGUS,
    Check.FEET_TURN_OUT,
    Check.FEET_ROLL_OUT,
    Check.SHOULDER_ELEVATION,
    Check.ASYMMETRIC_SHIFT,
}


def test_a_retake_that_cannot_see_a_fault_does_not_make_it_go_away():
    """A front-view knee collapse and a side-view heels-elevated retake: the retake cannot
    see the knees, so it says nothing about them; the route stays stability."""
    main = results(SQUAT, {Check.KNEE_VALGUS}, unseen=FRONT_ONLY)
    side_retake = results(SQUAT, set(), unseen=SIDE_ONLY)
    decision = decide_route(main, SQUAT, {}, heels_elevated=side_retake)
    assert decision.route == "stability"
    assert not any("went away" in r for r in decision.reasons)


def test_a_retake_that_cannot_see_the_failed_criteria_leaves_the_score_provisional():
    """The same retake cannot say the knees are over the feet with the heels raised: the
    score stays the lower bound, 1, and provisional, not a confident 2."""
    main = results(SQUAT, {Check.KNEE_VALGUS}, unseen=FRONT_ONLY)
    side_retake = results(SQUAT, set(), unseen=SIDE_ONLY)
    score = fms_score(main, SQUAT, False, heels_elevated=side_retake)
    assert score["fms"] == 1 and score["provisional"] is True
    assert "knees_over_feet" in score["basis"]


def test_a_retake_that_sees_everything_clean_still_scores_2():
    main = results(SQUAT, {Check.HEEL_LIFT})
    score = fms_score(main, SQUAT, False, heels_elevated=results(SQUAT, set()))
    assert score["fms"] == 2 and score["provisional"] is False
