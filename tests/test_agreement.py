"""Agreement between the screen and the clinic's therapists, on a real SQLite file with
seeded reviews whose counts and kappa are worked out by hand below."""

from __future__ import annotations

import math
from datetime import date

import pytest

from screening.clinic import open_store
from screening.clinic import repository as repo
from screening.clinic.agreement import (
    ROUTE,
    cohen_kappa,
    disagreements,
    in_period,
    judged_pairs,
    summarise,
)
from screening.clinic.review import FindingDecision

from .test_store import make_record

HEEL = (("heel_lift", "left", "moderate", 4.0),)


def _seed(store) -> None:
    """Ten reviewed deep squats filmed from the side, one unreviewed, one from 2025.

    heel_lift, screen vs therapist: 4 confirmed, 1 removed, 1 added, 4 absent for both.
    route, screen vs therapist: the same pattern (mobility with a heel lift, else
    conditioning; the therapist follows the heel)."""
    cid = repo.create_client(store, "Ada Lovelace")
    plan = (
        [("present", "confirmed")] * 4
        + [("present", "removed"), ("absent", "added")]
        + [("absent", "kept")] * 4
    )
    for i, (machine, decision) in enumerate(plan):
        record = make_record(
            route="mobility" if machine == "present" else "conditioning",
            findings=HEEL if machine == "present" else (),
        )
        aid = repo.save_assessment(store, cid, record, performed_on=date(2026, 11, 1 + i))
        (result,) = repo.get_assessment(store, aid).results
        decisions = {
            "confirmed": [FindingDecision("heel_lift", "left", "confirmed")],
            "removed": [FindingDecision("heel_lift", "left", "removed")],
            "added": [FindingDecision("heel_lift", "left", "added", "mild")],
            "kept": [],
        }[decision]
        therapist_sees_heel = decision in ("confirmed", "added")
        route = "mobility" if therapist_sees_heel else "conditioning"
        repo.save_review(store, result.id, route=route, decisions=decisions)
    # Not reviewed: not a label.
    repo.save_assessment(store, cid, make_record(), performed_on=date(2026, 11, 20))
    # Reviewed in 2025, disagreeing on everything it could.
    aid = repo.save_assessment(store, cid, make_record(), performed_on=date(2025, 6, 1))
    (result,) = repo.get_assessment(store, aid).results
    repo.save_review(
        store,
        result.id,
        route="conditioning",
        decisions=[FindingDecision("heel_lift", "left", "removed")],
    )


@pytest.fixture
def pairs(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'clinic.sqlite3'}") as store:
        _seed(store)
        assessments = repo.all_assessments(store)
    return judged_pairs(in_period(assessments, since=date(2026, 1, 1)))


def test_counts_percent_and_kappa_match_the_hand_worked_values(pairs):
    rows = {a.what: a for a in summarise(pairs)}
    heel = rows["heel_lift"]
    assert (heel.pairs, heel.confirmed, heel.rejected, heel.added) == (10, 4, 1, 1)
    assert heel.percent == pytest.approx(80.0)
    # po = 8/10; pe = (5/10)(5/10) + (5/10)(5/10) = 0.5; kappa = (0.8 - 0.5) / 0.5 = 0.6;
    # se = sqrt(0.8 * 0.2 / (10 * 0.5^2)) = 0.25298; 95% CI 0.6 +- 0.49585, capped at 1.
    assert heel.kappa == pytest.approx(0.6)
    assert heel.low == pytest.approx(0.6 - 1.96 * math.sqrt(0.064))
    assert heel.high == 1.0
    route = rows[ROUTE]
    assert (route.pairs, route.agreed) == (10, 8) and route.kappa == pytest.approx(0.6)
    assert route.confusion[("mobility", "conditioning")] == 1
    assert route.confusion[("conditioning", "mobility")] == 1


def test_a_check_both_always_call_absent_has_no_kappa_not_a_perfect_one(pairs):
    lean = next(a for a in summarise(pairs) if a.what == "forward_lean")
    assert lean.pairs == 10 and lean.percent == 100.0
    assert lean.kappa is None and lean.low is None


def test_the_period_the_view_and_the_disagreements(tmp_path, pairs):
    # The 2025 review and the unreviewed result are not in the 2026 pairs.
    assert {p.performed_on.year for p in pairs} == {2026}
    assert summarise(pairs, view="front") == []
    assert len(summarise(pairs, view="side_left")) == len(summarise(pairs))
    missed = disagreements(pairs, "heel_lift")
    assert sorted((p.machine, p.therapist) for p in missed) == [
        ("absent", "present"),
        ("present", "absent"),
    ]
    assert all(p.assessment_id for p in missed)


def test_cohen_kappa_on_a_textbook_table():
    """Cohen (1960)-style 2x2: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no (n = 50):
    po = 0.7, pe = 0.5 * 0.6 + 0.5 * 0.4 = 0.5, kappa = 0.4."""
    table = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    kappa, se = cohen_kappa(table)
    assert kappa == pytest.approx(0.4)
    assert se == pytest.approx(math.sqrt(0.7 * 0.3 / (50 * 0.25)))
    assert cohen_kappa([]) == (None, None)


def test_the_csv_and_the_pdf_hold_the_same_table(pairs):
    import csv
    import io

    from pypdf import PdfReader

    from screening.clinic.agreement import to_csv, to_pdf

    rows = summarise(pairs)
    table = list(csv.DictReader(io.StringIO(to_csv(rows).decode("utf-8"))))
    heel = next(r for r in table if r["what"] == "heel_lift")
    assert (heel["reviewed"], heel["agreement_percent"], heel["kappa"]) == ("10", "80.0", "0.600")
    assert heel["kappa_low_95"] == "0.104" and heel["kappa_high_95"] == "1.000"
    lean = next(r for r in table if r["what"] == "forward_lean")
    assert lean["kappa"] == ""  # undefined, not 1
    pdf = to_pdf(rows, "from 01 Nov 2026 to 30 Nov 2026", "every view")
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())  # cells wrap
    assert "Agreement with the therapists" in text
    assert "Heel lift" in text and "0.60 (0.10 to 1.00)" in text and "80%" in text
    assert "not defined (every answer the same)" in text
