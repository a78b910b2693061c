"""A therapist's review beside the machine's result: the findings each way, the route.

Pure functions over a stored result and its latest review. The machine record is never
changed; what the therapist decided is applied on top of it here, so every page and export
shows the same reviewed result and can show the original beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from screening.clinic.tables import Result, Review
from screening.core.codes import Movement
from screening.core.wording import check_name
from screening.decide.scoring import LUNGE_CRITERIA, SQUAT_CRITERIA, score_from_criteria

SEVERITY_ORDER = ("mild", "moderate", "severe")


@dataclass(frozen=True)
class FindingSummary:
    """One compensation on one side, over all reps: what a therapist confirms or removes."""

    code: str
    side: str
    severity: str | None
    reps: int
    """Reps that showed it (0 for a finding the therapist added)."""
    value: float | None
    """The largest measure over those reps, in `units`."""
    units: str
    decision: str = "machine"
    """machine (not reviewed yet), confirmed, removed or added."""
    note: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.code, self.side)

    @property
    def label(self) -> str:
        name = check_name(self.code)
        return name if self.side in ("none", "both", "") else f"{name} ({self.side})"


def machine_findings(record: dict[str, Any]) -> list[FindingSummary]:
    """The record's per-rep findings grouped by (code, side), worst severity and measure."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for f in record.get("findings", []):
        groups.setdefault((f["code"], f["side"]), []).append(f)
    out = []
    for (code, side), items in groups.items():
        values = [abs(f["value"]) for f in items if f.get("value") is not None]
        worst = max((f["severity"] for f in items), key=SEVERITY_ORDER.index)
        out.append(
            FindingSummary(
                code=code,
                side=side,
                severity=worst,
                reps=len(items),
                value=max(values) if values else None,
                units=items[0].get("units", ""),
            )
        )
    return out


@dataclass(frozen=True)
class ReviewedResult:
    """The machine's findings and route, and the therapist's, side by side."""

    machine_route: str | None
    route: str | None
    """The route that counts: the therapist's when reviewed, else the machine's."""
    findings: list[FindingSummary]
    """Machine findings with the therapist's decision, then the ones the therapist added."""
    reviewed: bool
    reviewer: str = ""
    notes: str = ""
    score: dict[str, Any] | None = None
    """The FMS score record that counts: recomputed from the findings that stand."""
    machine_score: dict[str, Any] | None = None

    @property
    def fms(self) -> int | None:
        return (self.score or {}).get("fms")

    @property
    def machine_fms(self) -> int | None:
        return (self.machine_score or {}).get("fms")

    @property
    def kept(self) -> list[FindingSummary]:
        """The findings that stand: confirmed, added, or machine ones not yet reviewed."""
        return [f for f in self.findings if f.decision != "removed"]

    @property
    def route_changed(self) -> bool:
        return self.reviewed and self.route != self.machine_route


def apply_review(record: dict[str, Any], review: Review | None) -> ReviewedResult:
    """Lay a review over a machine record (no review: the machine's result as it is)."""
    machine = machine_findings(record)
    score = record.get("score")
    if review is None:
        return ReviewedResult(
            machine_route=record.get("route"),
            route=record.get("route"),
            findings=machine,
            reviewed=False,
            score=score,
            machine_score=score,
        )
    decided = {(d.code, d.side): d for d in review.findings}
    findings = []
    for f in machine:
        d = decided.get(f.key)
        findings.append(replace(f, decision=d.decision, note=d.note) if d else f)
    findings += [
        FindingSummary(
            code=d.code,
            side=d.side,
            severity=d.severity,
            reps=0,
            value=None,
            units="",
            decision="added",
            note=d.note,
        )
        for d in review.findings
        if d.decision == "added"
    ]
    kept = {f.code for f in findings if f.decision != "removed"}
    return ReviewedResult(
        machine_route=record.get("route"),
        route=review.route,
        findings=findings,
        reviewed=True,
        reviewer=review.reviewer,
        notes=review.notes,
        score=reviewed_score(record, kept),
        machine_score=score,
    )


@dataclass(frozen=True)
class FindingDecision:
    """A therapist's decision on one finding (code and side), as saved in a review."""

    code: str
    side: str
    decision: str
    """confirmed, removed or added."""
    severity: str | None = None
    note: str = ""


def review_decisions(
    machine: list[FindingSummary], removed: set[tuple[str, str]], added: list[tuple[str, str, str]]
) -> list[FindingDecision]:
    """A therapist's choices on the review page as the decisions to save.

    Every machine finding is confirmed unless removed; `added` are (code, side, severity)
    of findings the machine did not report (one already reported is not added twice).
    """
    rows = [
        FindingDecision(f.code, f.side, "removed" if f.key in removed else "confirmed")
        for f in machine
    ]
    seen = {f.key for f in machine}
    for code, side, severity in added:
        if (code, side) not in seen:
            rows.append(FindingDecision(code, side, "added", severity))
            seen.add((code, side))
    return rows


def reviewed_result(result: Result) -> ReviewedResult:
    """A stored result with its latest review applied."""
    return apply_review(result.record, result.latest_review)


def reviewed_score(record: dict[str, Any], kept_codes: set[str]) -> dict[str, Any] | None:
    """The FMS score with the criteria the therapist's findings decide.

    A criterion is failed when a finding of its check stands (kept or added), met when the
    therapist removed every finding of it; a criterion the view could not see is decided
    by a finding the therapist added. When no criterion changes, the machine's score stands
    as it was (it may rest on a heels-elevated retake that the record does not hold).
    """
    score = record.get("score")
    if not record.get("ok") or not score or record.get("movement") is None:
        return score
    movement = Movement(record["movement"])
    table = LUNGE_CRITERIA if movement is Movement.LUNGE else SQUAT_CRITERIA
    met = dict(score.get("criteria", {}))
    unseen = list(score.get("not_assessed", []))
    for name, code in table.items():
        if name in met:
            met[name] = code.value not in kept_codes
        elif name in unseen and code.value in kept_codes:
            unseen.remove(name)
            met[name] = False
    if met == score.get("criteria", {}) and unseen == score.get("not_assessed", []):
        return score
    pain = any(v > 0 for v in (record.get("pain") or {}).values())
    new = score_from_criteria(met, unseen, movement, pain)
    return {**new, "basis": f"after review: {new['basis']}"}


def reviewed_record(record: dict[str, Any], review: Review | None) -> dict[str, Any]:
    """The machine record as the therapist reviewed it: for reports and exports.

    Removed findings are dropped, added ones appended (with no measure: the therapist saw
    them, the machine did not), the route replaced, the FMS score recomputed from the
    findings that stand, and the program rebuilt from them, added ones included. Without a
    review, the record itself.
    """
    if review is None:
        return record
    from screening.checks.base import Finding
    from screening.decide.programs import build_program

    removed = {(d.code, d.side) for d in review.findings if d.decision == "removed"}
    findings = [f for f in record.get("findings", []) if (f["code"], f["side"]) not in removed]
    findings += [
        {
            "code": d.code,
            "side": d.side,
            "severity": d.severity or "mild",
            "confidence": None,
            "value": None,
            "units": "",
            "rep": None,
            "frames": [],
        }
        for d in review.findings
        if d.decision == "added"
    ]
    program = None
    if record.get("ok"):
        program = build_program(
            review.route,
            [Finding(**f) for f in findings],
        )
    return {
        **record,
        "findings": findings,
        "route": review.route,
        "program": program,
        "score": reviewed_score(record, {f["code"] for f in findings}),
        "route_reasons": [
            f"reviewed by {review.reviewer or 'the therapist'}"
            + (f": {review.notes}" if review.notes else "")
        ],
    }
