"""The typed parts of a result record besides its findings: the score, the program and
the clip's context, as the record and its JSON hold them.

TypedDicts, so they read and write as plain JSON objects (the record's format stays what
it was) while mypy checks every place that builds one and pydantic checks every record
read back. Keys that older records may lack are NotRequired.
"""

from __future__ import annotations

from typing import NotRequired

# pydantic reads TypedDicts from typing_extensions on Python 3.11 (it ships with pydantic).
from typing_extensions import TypedDict


class Score(TypedDict):
    """The FMS-style score and what it rests on."""

    fms: int | None
    """0-3, or None when not scored."""
    criteria: dict[str, bool]
    """Each scoring criterion the view could judge: met (True) or not."""
    not_assessed: NotRequired[list[str]]
    """Criteria the view could not see."""
    provisional: NotRequired[bool]
    """True when an unseen criterion or a missing retake could still change the score."""
    basis: NotRequired[str]
    """The score's reason in words."""


class ExerciseCard(TypedDict):
    """One exercise of a program, with why it is there."""

    name: str
    phase: NotRequired[str]
    tissue: NotRequired[str]
    dose: NotRequired[str]
    cues: NotRequired[list[str]]
    why: NotRequired[str]


class Program(TypedDict):
    """The exercises a route gives, in the order to do them."""

    id: str
    title: NotRequired[str]
    summary: NotRequired[str]
    exercises: list[ExerciseCard]


class ClipContext(TypedDict, total=False):
    """What the screen worked out about the clip besides its findings."""

    yaw_deg: float
    """How far the body is turned from the camera (0 front, 90 side)."""
    lead_side: str | None
    """The lunge's front leg."""
    movement_detected: bool
    """True when the movement was read from the clip, False when the user named it."""
    view_detected: bool
