"""The program library (data/programs.toml): validated at load, assembled per result.

The chosen program explains itself: each exercise carries the reason it is there, built
from the finding that called for it ("your heels lifted about 4 cm at the bottom of rep 2").
"""

from __future__ import annotations

import math
import tomllib
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal, Self, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
    model_validator,
)

from screening.checks.base import Finding
from screening.core.codes import Check
from screening.core.errors import SettingsError
from screening.core.results import ExerciseCard, Program
from screening.core.validation import Location, first_error
from screening.core.wording import check_name

Phase = Literal["release", "lengthen", "activate", "integrate", "condition"]
PHASES: tuple[str, ...] = get_args(Phase)
ROUTES = ("pain", "mobility", "stability", "conditioning")
_WHY_FIELDS = {"value": "4", "units": "cm", "rep": 2, "side": "left", "side_text": "left"}
"""The fields `explain` fills in a reason template, with sample values to try it with."""


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    return text


def _why_template(why: str) -> str:
    """A reason template that formats with the values `explain` passes (tried with samples)."""
    try:
        why.format(**_WHY_FIELDS)
    except KeyError as exc:
        raise ValueError(
            f"uses unknown field {{{exc.args[0]}}} (known: {', '.join(_WHY_FIELDS)})"
        ) from None
    except (ValueError, IndexError) as exc:
        raise ValueError(f"is not a valid template ({exc})") from None
    return why


Text = Annotated[StrictStr, AfterValidator(_not_blank)]


class _Table(BaseModel):
    """A TOML table: no unknown keys, no conversions (30 is not text, "3" is not a number)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Exercise(_Table):
    name: Text
    phase: Phase
    tissue: Text
    dose: Text
    cues: list[Text] = Field(min_length=1)


class FindingExercises(_Table):
    """The exercises a finding calls for, and the reason sentence each will carry."""

    exercises: list[str]
    why: Annotated[Text, AfterValidator(_why_template)]


class RouteProgram(_Table):
    title: Text
    summary: Text
    base: list[str]
    phases: list[Phase]
    max_exercises: StrictInt = Field(ge=1, le=50)


class Library(_Table):
    """The whole library file, with every cross-reference checked at load."""

    exercises: dict[str, Exercise]
    findings: dict[str, FindingExercises]
    routes: dict[str, RouteProgram]

    @model_validator(mode="before")
    @classmethod
    def _names_are_known(cls, data: Any) -> Any:
        """Every check and every route has an entry, and no other name does (checked before
        the entries themselves, so a misspelt name is reported as that)."""
        if not isinstance(data, dict):
            return data
        for table, names, what in (
            ("findings", [c.value for c in Check], "a check this tool has"),
            ("routes", ROUTES, f"a route ({', '.join(ROUTES)})"),
        ):
            present = data.get(table)
            if not isinstance(present, dict):
                continue
            for name in present:
                if name not in names:
                    raise ValueError(f"[{table}.{name}] is not {what}")
            for name in names:
                if name not in present:
                    raise ValueError(f"no [{table}.{name}] entry")
        return data

    @model_validator(mode="after")
    def _exercises_exist(self) -> Self:
        """Every exercise named exists, so a typo fails at start-up, not before a user."""
        named = [(f"findings.{c}.exercises", f.exercises) for c, f in self.findings.items()]
        named += [(f"routes.{r}.base", p.base) for r, p in self.routes.items()]
        for where, exercises in named:
            for ex in exercises:
                if ex not in self.exercises:
                    raise ValueError(f"{where} names unknown exercise '{ex}'")
        return self


def _where(loc: Location) -> str:
    dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    return f"programs.toml: {dotted}" if dotted else "programs.toml"


def parse_library(data: object) -> Library:
    """The library from the parsed TOML, or one line naming the first thing wrong."""
    try:
        return Library.model_validate(data)
    except ValidationError as exc:
        raise SettingsError(first_error(exc, _where, {"model_type": "a table"})) from None


@cache
def load_library() -> Library:
    text = resources.files("screening.data").joinpath("programs.toml").read_text("utf-8")
    try:
        return parse_library(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"programs.toml is not valid TOML: {exc}") from None


def explain(finding: Finding, library: Library) -> str:
    """The reason sentence for a finding, from its template.

    A finding with no measure (NaN: one a therapist added on review) is explained by who
    saw it.
    """
    side_text = {"left": "left", "right": "right", "both": "", "none": ""}[finding.side]
    if math.isnan(finding.value):
        where = f" on your {side_text} side" if side_text else ""
        return f"Because your therapist saw {check_name(finding.code).lower()}{where}."
    text = library.findings[finding.code].why.format(
        value=f"{abs(finding.value):.0f}",
        units=finding.units.replace("deg", "degrees"),
        rep=(finding.rep or 0) + 1,
        side=finding.side,
        side_text=side_text,
    )
    return "Because " + " ".join(text.split())


def build_program(route: str, findings: list[Finding], library: Library | None = None) -> Program:
    """The program for a route: base exercises, then those the findings call for, by phase."""
    lib = library or load_library()
    spec = lib.routes[route]
    chosen: dict[str, str] = {ex: "" for ex in spec.base}
    worst_first = sorted(findings, key=lambda f: 0 if math.isnan(f.value) else -abs(f.value))
    if route != "pain":
        for f in worst_first:
            for ex in lib.findings[f.code].exercises:
                if ex not in chosen and lib.exercises[ex].phase in spec.phases:
                    chosen[ex] = explain(f, lib)
    ordered = sorted(chosen, key=lambda ex: PHASES.index(lib.exercises[ex].phase))
    ordered = ordered[: spec.max_exercises]
    default_why = {
        "pain": "Because a movement hurt: gentle massage can ease it while you get it checked.",
        "conditioning": "Because your pattern was clean: this keeps it strong.",
    }.get(route, "Because release work prepares the tissue for the rest.")
    return Program(
        id=route,
        title=spec.title,
        summary=spec.summary,
        exercises=[
            ExerciseCard(
                name=lib.exercises[ex].name,
                phase=lib.exercises[ex].phase,
                tissue=lib.exercises[ex].tissue,
                dose=lib.exercises[ex].dose,
                cues=list(lib.exercises[ex].cues),
                why=chosen[ex] or default_why,
            )
            for ex in ordered
        ],
    )
