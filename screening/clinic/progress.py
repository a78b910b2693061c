"""A client's progress over sessions: the key measures and the route, one row per result.

The key measures are those the screen writes for every rep (hip drop, and each check's
measure in its own units, e.g. `heel_lift_cm`), averaged over the reps of that session, so
a therapist can see a heel lift shrink from 5 cm to 2 cm over a month of ankle work.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from screening.clinic.review import reviewed_result
from screening.clinic.tables import Assessment

TIMING_METRICS = frozenset({"duration_s", "descent_s", "ascent_s"})
"""Rep timings: in the exports, but not key measures of change."""

ROUTE_LEVEL = {"pain": 0, "mobility": 1, "stability": 2, "conditioning": 3}
"""Routes in the order a client moves through them, for a chart of the route over time."""


def mean_rep_metrics(record: dict[str, Any]) -> dict[str, float]:
    """Each rep metric averaged over the reps that measured it (missing ones skipped)."""
    values: dict[str, list[float]] = {}
    for rep in record.get("reps", []):
        for name, value in (rep.get("metrics") or {}).items():
            if isinstance(value, int | float) and math.isfinite(value):
                values.setdefault(name, []).append(float(value))
    return {name: round(sum(v) / len(v), 3) for name, v in values.items()}


def progress_rows(assessments: list[Assessment]) -> list[dict[str, Any]]:
    """One row per result, oldest first: date, movement, score, routes, mean measures."""
    rows = []
    for a in sorted(assessments, key=lambda a: (a.performed_on, a.id)):
        for result in a.results:
            reviewed = reviewed_result(result)
            rows.append(
                {
                    "assessment_id": a.id,
                    "date": a.performed_on,
                    "movement": result.movement,
                    "fms": reviewed.fms,
                    "machine_fms": reviewed.machine_fms,
                    "machine_route": reviewed.machine_route,
                    "route": reviewed.route,
                    "findings": len(reviewed.kept),
                    "measures": mean_rep_metrics(result.record),
                }
            )
    return rows


def measure_series(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Long-form (date, measure, value) points of each key measure, for a line chart."""
    return [
        {"date": r["date"], "movement": r["movement"], "measure": name, "value": value}
        for r in rows
        for name, value in r["measures"].items()
        if name not in TIMING_METRICS
    ]


def route_series(rows: list[dict[str, Any]]) -> list[dict[str, date | str | int | None]]:
    """(date, route, level) points of the route that counts, for a chart of it over time."""
    return [
        {
            "date": r["date"],
            "movement": r["movement"],
            "route": r["route"],
            "level": ROUTE_LEVEL.get(r["route"] or ""),
        }
        for r in rows
    ]
