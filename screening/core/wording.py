"""The plain words a person reads in a result, shared by the web app and the reports.

One place for them, so the results page, the PDF and the HTML report say the same thing in
the same words. Only fixed text lives here; numbers come from the record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from screening.core.codes import AT_MOST_BORDERLINE, Check, known_view

ROUTE_WORDS: dict[str, tuple[str, str]] = {
    "pain": ("Pain comes first", "error"),
    "mobility": ("Work on mobility", "warning"),
    "stability": ("Work on stability", "warning"),
    "conditioning": ("Keep conditioning", "success"),
    "not_judged": ("Not judged: this movement is not one the screen scores", "info"),
}
"""Route -> (headline, tone). The tone is Streamlit's alert kind; reports map it to a colour."""

RED_FLAGS = (
    "Stop and see a clinician if you have pain that is sharp, growing or wakes you "
    "at night, numbness or tingling, swelling, giving way of a joint, or pain after "
    "a recent fall, injury or surgery."
)
DISCLAIMER = (
    "This is a screen, not a diagnosis. It looks at how you move, not at why; a "
    "physiotherapist can tell you more."
)

RETAKE_WORDS: dict[str, str] = {
    "heels_elevated": "with your heels raised on a 2-3 cm board",
    "hands_on_hips": "with your hands on your hips",
}
"""Retake kind -> how to film it, completing "film the same squat again ..."."""

FILMING_TIPS = (
    "Film the whole body, head to feet, in good light, one person in the frame. "
    "Stand still for a second, then do 2-3 slow reps."
)

CRITERIA_WORDS: dict[str, str] = {
    "torso_parallel_to_tibia_or_upright": "Trunk parallel to the shins or more upright",
    "femur_below_horizontal": "Thighs below horizontal",
    "knees_over_feet": "Knees over the feet",
    "arms_over_feet": "Arms over the feet",
    "heels_down": "Heels stay down",
    "torso_upright": "Trunk upright",
    "knee_in_line": "Front knee in line with the foot",
    "balance_kept": "Balance kept",
}
"""The FMS criteria of screening/decide/scoring.py in plain words."""


def check_name(code: str) -> str:
    """A check code or other snake_case name as words: 'heel_lift' -> 'Heel lift'."""
    return code.replace("_", " ").capitalize()


def retake_advice(kinds: list[str]) -> str:
    """The sentence asking for the retakes that would sharpen a result."""
    return (
        "To sharpen this result, film the same squat again "
        + " and ".join(RETAKE_WORDS[k] for k in kinds)
        + "."
    )


_CODE = re.compile(r"\b(" + "|".join(c.value for c in Check) + r")\b")


def plain_sentence(text: str) -> str:
    """A machine-made clause as a sentence: check codes as words, a capital, a full stop.

    'range is missing: heel_lift' -> 'Range is missing: heel lift.'
    """
    text = _CODE.sub(lambda m: m.group(1).replace("_", " "), text.strip())
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


BORDERLINE_HEADING = "Too close to call"
BORDERLINE_NOTE = (
    "These were near their threshold, within what the measurement could be off "
    "by, so they are neither counted nor ruled out; they do not change your "
    "route. A clearer video (whole body, good light, the view named for the "
    "check) can settle them."
)


HINT_WORDS: dict[Check, str] = {
    Check.FEET_ROLL_OUT: (
        "the ankle point it is read from is too unsure to confirm a roll of the foot, so "
        "this is a hint only; a therapist looking at your feet can settle it"
    ),
}
"""Why a check that can only hint from this view (`codes.AT_MOST_BORDERLINE`) says so."""


def borderline_sentence(code: str, value: float, uncertainty: float, units: str) -> str:
    """One borderline check in words: what was read and how far it could be off."""
    return (
        f"{check_name(code)}: read {abs(value):.1f} {units}, give or take {uncertainty:.1f} {units}"
    )


def borderline_lines(
    findings: Iterable[tuple[str, float, float, str]], view: str | None
) -> list[str]:
    """One sentence per borderline check (code, value, uncertainty, units), for its highest
    reading, with why it is only a hint where its view cannot confirm it."""
    worst: dict[str, tuple[str, float, float, str]] = {}
    for f in findings:
        if f[0] not in worst or f[1] > worst[f[0]][1]:
            worst[f[0]] = f
    lines = []
    for code, value, uncertainty, units in worst.values():
        line = borderline_sentence(code, value, uncertainty, units)
        check = Check(code)
        if known_view(view) in AT_MOST_BORDERLINE.get(check, frozenset()):
            line += f" ({HINT_WORDS[check]})"
        lines.append(line)
    return lines


def fms_text(score: Mapping[str, Any]) -> str:
    """The FMS score in words: '2', '1 (provisional)' when a view could not see every
    criterion, or 'not scored'. The app and the report both say it this way."""
    fms = score.get("fms")
    if fms is None:
        return "not scored"
    return f"{fms} (provisional)" if score.get("provisional") else str(fms)


def unrepeated_reasons(reasons: list[str]) -> list[str]:
    """Each exercise card's reason, or '' where the card before it gave the same one.

    A program made for one finding gives the same reason for five or six exercises in a
    row; saying it once, on the first of them, reads better and keeps the link."""
    return [r if i == 0 or r != reasons[i - 1] else "" for i, r in enumerate(reasons)]
