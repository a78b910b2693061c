"""The program library (data/programs.toml): validated at load, assembled per result.

The chosen program explains itself: each exercise carries the reason it is there, built
from the finding that called for it ("your heels lifted about 4 cm at the bottom of rep 2").
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from screening.checks.base import Finding
from screening.errors import SettingsError
from screening.vocabulary import Check

PHASES = ("release", "lengthen", "activate", "integrate", "condition")
ROUTES = ("pain", "mobility", "stability", "conditioning")
_EXERCISE_KEYS = {"name", "phase", "tissue", "dose", "cues"}


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    phase: str
    tissue: str
    dose: str
    cues: tuple[str, ...]


@dataclass(frozen=True)
class Library:
    exercises: dict[str, Exercise]
    finding_exercises: dict[str, tuple[str, ...]]
    finding_why: dict[str, str]
    routes: dict[str, dict[str, Any]]


def _require(table: dict[str, Any], keys: set[str], where: str) -> None:
    missing = sorted(keys - set(table))
    unknown = sorted(set(table) - keys)
    if missing:
        raise SettingsError(f"programs: {where} is missing '{missing[0]}'")
    if unknown:
        raise SettingsError(f"programs: {where} has unknown key '{unknown[0]}'")


def parse_library(data: dict[str, Any]) -> Library:
    """Check every reference and key, so a typo fails at start-up, not in front of a user."""
    exercises = {}
    for ex_id, t in data.get("exercises", {}).items():
        _require(t, _EXERCISE_KEYS, f"exercises.{ex_id}")
        if t["phase"] not in PHASES:
            raise SettingsError(f"programs: exercises.{ex_id}.phase '{t['phase']}' is not one "
                                f"of {', '.join(PHASES)}")
        exercises[ex_id] = Exercise(ex_id, t["name"], t["phase"], t["tissue"], t["dose"],
                                    tuple(t["cues"]))
    finding_exercises, finding_why = {}, {}
    for code in Check:
        t = data.get("findings", {}).get(code.value)
        if t is None:
            raise SettingsError(f"programs: no [findings.{code.value}] entry")
        _require(t, {"exercises", "why"}, f"findings.{code.value}")
        for ex in t["exercises"]:
            if ex not in exercises:
                raise SettingsError(f"programs: findings.{code.value} names unknown "
                                    f"exercise '{ex}'")
        finding_exercises[code.value] = tuple(t["exercises"])
        finding_why[code.value] = t["why"]
    routes = {}
    for route in ROUTES:
        t = data.get("routes", {}).get(route)
        if t is None:
            raise SettingsError(f"programs: no [routes.{route}] entry")
        _require(t, {"title", "summary", "base", "phases", "max_exercises"}, f"routes.{route}")
        for ex in t["base"]:
            if ex not in exercises:
                raise SettingsError(f"programs: routes.{route} names unknown exercise '{ex}'")
        routes[route] = t
    return Library(exercises, finding_exercises, finding_why, routes)


@cache
def load_library() -> Library:
    text = resources.files("screening.data").joinpath("programs.toml").read_text("utf-8")
    try:
        return parse_library(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"programs.toml is not valid TOML: {exc}") from None


def explain(finding: Finding, library: Library) -> str:
    """The reason sentence for a finding, from its template."""
    side_text = {"left": "left", "right": "right", "both": "", "none": ""}[finding.side]
    text = library.finding_why[finding.code].format(
        value=f"{abs(finding.value):.0f}", units=finding.units.replace("deg", "degrees"),
        rep=(finding.rep or 0) + 1, side=finding.side, side_text=side_text)
    return "Because " + " ".join(text.split())


def build_program(route: str, findings: list[Finding],
                  library: Library | None = None) -> dict[str, Any]:
    """The program for a route: base exercises, then those the findings call for, by phase."""
    lib = library or load_library()
    spec = lib.routes[route]
    chosen: dict[str, str] = {ex: "" for ex in spec["base"]}
    worst_first = sorted(findings, key=lambda f: -abs(f.value) if f.value == f.value else 0)
    if route != "pain":
        for f in worst_first:
            for ex in lib.finding_exercises[f.code]:
                if ex not in chosen and lib.exercises[ex].phase in spec["phases"]:
                    chosen[ex] = explain(f, lib)
    ordered = sorted(chosen, key=lambda ex: PHASES.index(lib.exercises[ex].phase))
    ordered = ordered[: spec["max_exercises"]]
    default_why = {"pain": "Because a movement hurt: gentle massage can ease it while you "
                           "get it checked.",
                   "conditioning": "Because your pattern was clean: this keeps it strong.",
                   }.get(route, "Because release work prepares the tissue for the rest.")
    return {
        "id": route,
        "title": spec["title"],
        "summary": spec["summary"],
        "exercises": [{"name": lib.exercises[ex].name, "phase": lib.exercises[ex].phase,
                       "tissue": lib.exercises[ex].tissue, "dose": lib.exercises[ex].dose,
                       "cues": list(lib.exercises[ex].cues),
                       "why": chosen[ex] or default_why} for ex in ordered],
    }
