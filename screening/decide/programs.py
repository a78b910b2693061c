"""The program library (data/programs.toml): validated at load, assembled per result.

The chosen program explains itself: each exercise carries the reason it is there, built
from the finding that called for it ("your heels lifted about 4 cm at the bottom of rep 2").
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from screening.checks.base import Finding
from screening.core.codes import Check
from screening.core.errors import SettingsError
from screening.core.results import ExerciseCard, Program
from screening.core.wording import check_name

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


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SettingsError(f"programs: {where} must be a table")
    return value


def _require(table: Any, keys: set[str], where: str) -> dict[str, Any]:
    table = _table(table, where)
    missing = sorted(keys - set(table))
    unknown = sorted(set(table) - keys)
    if missing:
        raise SettingsError(f"programs: {where} is missing '{missing[0]}'")
    if unknown:
        raise SettingsError(f"programs: {where} has unknown key '{unknown[0]}'")
    return table


def _text(table: dict[str, Any], key: str, where: str) -> str:
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"programs: {where}.{key} must be a non-empty text")
    return value


def _texts(
    table: dict[str, Any],
    key: str,
    where: str,
    allowed: Iterable[str] | None = None,
    allowed_what: str = "",
) -> tuple[str, ...]:
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SettingsError(f"programs: {where}.{key} must be a list of texts")
    if allowed is not None:
        allowed = set(allowed)
        for v in value:
            if v not in allowed:
                raise SettingsError(f"programs: {where}.{key} names unknown {allowed_what} '{v}'")
    return tuple(value)


def _why_template(table: dict[str, Any], where: str) -> str:
    """A reason template that formats with the values `explain` passes (tried with samples)."""
    why = _text(table, "why", where)
    sample = {"value": "4", "units": "cm", "rep": 2, "side": "left", "side_text": "left"}
    try:
        why.format(**sample)
    except KeyError as exc:
        raise SettingsError(
            f"programs: {where}.why uses unknown field {{{exc.args[0]}}} "
            f"(known: {', '.join(sample)})"
        ) from None
    except (ValueError, IndexError) as exc:
        raise SettingsError(f"programs: {where}.why is not a valid template ({exc})") from None
    return why


def parse_library(data: dict[str, Any]) -> Library:
    """Check every reference, key and type, so a typo fails at start-up, not before a user."""
    unknown = sorted(set(data) - {"exercises", "findings", "routes"})
    if unknown:
        raise SettingsError(f"programs: unknown section [{unknown[0]}]")
    exercises = {}
    for ex_id, t in _table(data.get("exercises", {}), "[exercises]").items():
        where = f"exercises.{ex_id}"
        t = _require(t, _EXERCISE_KEYS, where)
        if t["phase"] not in PHASES:
            raise SettingsError(
                f"programs: {where}.phase '{t['phase']}' is not one of {', '.join(PHASES)}"
            )
        exercises[ex_id] = Exercise(
            ex_id,
            _text(t, "name", where),
            t["phase"],
            _text(t, "tissue", where),
            _text(t, "dose", where),
            _texts(t, "cues", where),
        )
    findings = _table(data.get("findings", {}), "[findings]")
    extra = sorted(set(findings) - {c.value for c in Check})
    if extra:
        raise SettingsError(f"programs: [findings.{extra[0]}] is not a check this tool has")
    finding_exercises: dict[str, tuple[str, ...]] = {}
    finding_why: dict[str, str] = {}
    for code in Check:
        where = f"findings.{code.value}"
        if code.value not in findings:
            raise SettingsError(f"programs: no [{where}] entry")
        t = _require(findings[code.value], {"exercises", "why"}, where)
        finding_exercises[code.value] = _texts(t, "exercises", where, exercises, "exercise")
        finding_why[code.value] = _why_template(t, where)
    routes = {}
    for route in ROUTES:
        where = f"routes.{route}"
        t = _table(data.get("routes", {}), "[routes]").get(route)
        if t is None:
            raise SettingsError(f"programs: no [{where}] entry")
        t = _require(t, {"title", "summary", "base", "phases", "max_exercises"}, where)
        _text(t, "title", where)
        _text(t, "summary", where)
        _texts(t, "base", where, exercises, "exercise")
        _texts(t, "phases", where, PHASES, "phase")
        n = t["max_exercises"]
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 50:
            raise SettingsError(
                f"programs: {where}.max_exercises must be a whole number 1..50, got {n!r}"
            )
        routes[route] = t
    extra = sorted(set(data.get("routes", {})) - set(ROUTES))
    if extra:
        raise SettingsError(f"programs: [routes.{extra[0]}] is not a route ({', '.join(ROUTES)})")
    return Library(exercises, finding_exercises, finding_why, routes)


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
    text = library.finding_why[finding.code].format(
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
    chosen: dict[str, str] = {ex: "" for ex in spec["base"]}
    worst_first = sorted(findings, key=lambda f: 0 if math.isnan(f.value) else -abs(f.value))
    if route != "pain":
        for f in worst_first:
            for ex in lib.finding_exercises[f.code]:
                if ex not in chosen and lib.exercises[ex].phase in spec["phases"]:
                    chosen[ex] = explain(f, lib)
    ordered = sorted(chosen, key=lambda ex: PHASES.index(lib.exercises[ex].phase))
    ordered = ordered[: spec["max_exercises"]]
    default_why = {
        "pain": "Because a movement hurt: gentle massage can ease it while you get it checked.",
        "conditioning": "Because your pattern was clean: this keeps it strong.",
    }.get(route, "Because release work prepares the tissue for the rest.")
    return Program(
        id=route,
        title=spec["title"],
        summary=spec["summary"],
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
