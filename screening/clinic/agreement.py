"""How well the screen agrees with the clinic's therapists: per check and for the route.

Every reviewed result is a label: for each check the screen could judge on that clip, the
machine said present or absent, and the therapist's review kept it, removed it or added it.
From those pairs come the counts a clinic asks about (confirmed, rejected, added), the
percent agreement, and Cohen's kappa (agreement beyond what the two would reach by chance)
with a 95% confidence interval. Results without a review are not labels and are left out.

Kappa's interval uses the large-sample standard error of Cohen (1960),
sqrt(po (1 - po) / (n (1 - pe)^2)); with few reviews it is wide, as it should be. When
chance agreement is total (every pair the same answer) kappa is undefined and shown as
such, not as 1.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from screening.batch.evaluation import ClipLabel
from screening.clinic.database import Store
from screening.clinic.repository import kept_path
from screening.clinic.review import reviewed_result
from screening.clinic.tables import Assessment, Result
from screening.core.codes import CHECKS_FOR_MOVEMENT, Check, Movement, Route
from screening.core.wording import check_name

ROUTE = "route"
"""The name of the route's row, beside the check codes."""


@dataclass(frozen=True)
class Pair:
    """One judgement on one reviewed result: what the screen said and what the therapist
    kept (a check: present or absent; the route: its name)."""

    what: str
    machine: str
    therapist: str
    view: str | None
    assessment_id: int
    performed_on: date


@dataclass(frozen=True)
class Agreement:
    """Agreement on one check (or the route) over a set of reviewed results."""

    what: str
    pairs: int
    agreed: int
    confirmed: int = 0
    """Checks: present for both."""
    rejected: int = 0
    """Checks: the screen's finding removed by the therapist."""
    added: int = 0
    """Checks: a finding the therapist added where the screen saw none."""
    kappa: float | None = None
    low: float | None = None
    high: float | None = None
    confusion: dict[tuple[str, str], int] = field(default_factory=dict)
    """(screen, therapist) -> count."""

    @property
    def percent(self) -> float | None:
        return 100.0 * self.agreed / self.pairs if self.pairs else None


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> tuple[float | None, float | None]:
    """Cohen's kappa of (rater A, rater B) answers and its large-sample standard error;
    (None, None) when there are no pairs or chance agreement is total."""
    n = len(pairs)
    if n == 0:
        return None, None
    labels = {a for a, _ in pairs} | {b for _, b in pairs}
    po = sum(a == b for a, b in pairs) / n
    pe = sum(
        (sum(a == k for a, _ in pairs) / n) * (sum(b == k for _, b in pairs) / n) for k in labels
    )
    if math.isclose(pe, 1.0):
        return None, None
    kappa = (po - pe) / (1 - pe)
    se = math.sqrt(po * (1 - po) / (n * (1 - pe) ** 2))
    return kappa, se


def judged_pairs(assessments: Iterable[Assessment]) -> list[Pair]:
    """Every (screen, therapist) pair from the reviewed results of these assessments."""
    return [p for a in assessments for result in a.results for p in _result_pairs(a, result)]


def _result_pairs(assessment: Assessment, result: Result) -> list[Pair]:
    """One pair per check the result could judge, and one for the route; none when the
    result was not reviewed (it is not a label) or could not be scored."""
    reviewed = reviewed_result(result)
    record = result.record
    if not reviewed.reviewed or not record.get("ok", True):
        return []
    try:
        movement = Movement(record.get("movement") or "")
    except ValueError:
        return []
    view, aid, day = record.get("view"), assessment.id, assessment.performed_on
    unseen = set(record.get("not_assessable", []))
    machine = {f.code for f in reviewed.findings if f.decision != "added"}
    kept = {f.code for f in reviewed.kept}
    out = [
        Pair(c.value, _said(c.value in machine), _said(c.value in kept), view, aid, day)
        for c in CHECKS_FOR_MOVEMENT[movement]
        if c.value not in unseen
    ]
    if reviewed.machine_route and reviewed.route:
        out.append(Pair(ROUTE, reviewed.machine_route, reviewed.route, view, aid, day))
    return out


def _said(present: bool) -> str:
    return "present" if present else "absent"


def in_period(
    assessments: Iterable[Assessment], since: date | None = None, until: date | None = None
) -> list[Assessment]:
    """The assessments performed from `since` to `until` (both included; None: open)."""
    return [
        a
        for a in assessments
        if (since is None or a.performed_on >= since) and (until is None or a.performed_on <= until)
    ]


def summarise(pairs: Sequence[Pair], view: str | None = None) -> list[Agreement]:
    """One Agreement per check that has pairs (in the checks' order), then the route's;
    only pairs filmed from `view` when it is given."""
    chosen = [p for p in pairs if view is None or p.view == view]
    order = [c.value for c in Check] + [ROUTE]
    out = []
    for what in order:
        mine = [(p.machine, p.therapist) for p in chosen if p.what == what]
        if not mine:
            continue
        kappa, se = cohen_kappa(mine)
        low = high = None
        if kappa is not None and se is not None:
            low, high = max(-1.0, kappa - 1.96 * se), min(1.0, kappa + 1.96 * se)
        confusion: dict[tuple[str, str], int] = {}
        for key in mine:
            confusion[key] = confusion.get(key, 0) + 1
        out.append(
            Agreement(
                what=what,
                pairs=len(mine),
                agreed=sum(a == b for a, b in mine),
                confirmed=confusion.get(("present", "present"), 0),
                rejected=confusion.get(("present", "absent"), 0),
                added=confusion.get(("absent", "present"), 0),
                kappa=kappa,
                low=low,
                high=high,
                confusion=confusion,
            )
        )
    return out


def disagreements(pairs: Sequence[Pair], what: str) -> list[Pair]:
    """The pairs on one check (or the route) where the screen and the therapist differ."""
    return [p for p in pairs if p.what == what and p.machine != p.therapist]


ROUTE_ORDER = tuple(r.value for r in Route)
"""The routes in their order, for the route's confusion table."""


CSV_COLUMNS = (
    "what",
    "reviewed",
    "agreed",
    "agreement_percent",
    "confirmed",
    "rejected",
    "added",
    "kappa",
    "kappa_low_95",
    "kappa_high_95",
)


def to_csv(rows: Sequence[Agreement]) -> bytes:
    """The agreement table as CSV (UTF-8), one row per check and one for the route."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for a in rows:
        writer.writerow(
            [
                a.what,
                a.pairs,
                a.agreed,
                _rounded(a.percent, 1),
                a.confirmed,
                a.rejected,
                a.added,
                _rounded(a.kappa, 3),
                _rounded(a.low, 3),
                _rounded(a.high, 3),
            ]
        )
    return out.getvalue().encode("utf-8")


def _rounded(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


@dataclass(frozen=True)
class ReviewLabels:
    """The clinic's reviews as evaluation labels: one per reviewed result whose video was
    kept, by the kept file's path."""

    labels: dict[str, ClipLabel]
    without_video: int
    """Reviewed results left out because their video was not kept (or was combined from
    several views, which `screening eval` scores one file at a time)."""


def review_labels(store: Store, assessments: Iterable[Assessment]) -> ReviewLabels:
    """What each reviewed result's therapist kept, as a label `screening eval` scores a
    new model or new settings against (`screening eval --db URL`).

    A check the stored result judged is present when the therapist kept or added it and
    absent otherwise; checks it could not judge stay unlabelled. The rep count is the
    stored result's (therapists review findings, not reps).
    """
    labels: dict[str, ClipLabel] = {}
    without = 0
    for assessment in assessments:
        for result in assessment.results:
            pairs = _result_pairs(assessment, result)
            if not pairs:
                continue
            views = [c for c in result.clips if c.kind == "view"]
            path = kept_path(store, views[0].file_ref) if len(views) == 1 else None
            if path is None or not path.exists():
                without += 1
                continue
            present = tuple(
                sorted(p.what for p in pairs if p.what != ROUTE and p.therapist == "present")
            )
            absent = tuple(
                sorted(p.what for p in pairs if p.what != ROUTE and p.therapist == "absent")
            )
            labels[str(path)] = ClipLabel(
                movement=str(result.record.get("movement")),
                view=views[0].view or result.record.get("view"),
                reps=len(result.record.get("reps", [])),
                present=present,
                absent=absent,
                judged=tuple(sorted(present + absent)),
            )
    return ReviewLabels(labels, without)


PDF_HEADINGS = (
    "Check",
    "Reviewed",
    "Agreement",
    "Confirmed",
    "Rejected",
    "Added",
    "Cohen's kappa (95% CI)",
)


def to_pdf(rows: Sequence[Agreement], period: str, view: str) -> bytes:
    """The agreement table as a one-page PDF in the reports' style."""
    from screening.report.pdf import render_table_pdf

    intro = (
        f"Reviewed results {period}, {view}. For every check the screen could judge: how "
        "often the therapist confirmed its finding, rejected it, or added one it missed; "
        "kappa is agreement beyond chance (1 perfect, 0 no better than chance)."
    )
    table = [PDF_HEADINGS]
    for a in rows:
        name = "Route" if a.what == ROUTE else check_name(a.what)
        counts = (
            ("", "", "") if a.what == ROUTE else (str(a.confirmed), str(a.rejected), str(a.added))
        )
        table.append(
            (
                name,
                str(a.pairs),
                f"{a.percent:.0f}%" if a.percent is not None else "-",
                *counts,
                kappa_text(a),
            )
        )
    return render_table_pdf("Agreement with the therapists", intro, table)


def kappa_text(a: Agreement) -> str:
    """Kappa with its interval in words, or why there is none."""
    if a.kappa is None or a.low is None or a.high is None:
        return "not defined (every answer the same)"
    return f"{a.kappa:.2f} ({a.low:.2f} to {a.high:.2f})"
