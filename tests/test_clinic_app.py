"""The clinic pages in Streamlit's AppTest, through the real app's navigation, on a real
SQLite file: the client list, a client's history and erasure, the review flow, progress."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from screening.app.server import MAIN_SCRIPT
from screening.clinic import open_store
from screening.clinic import repository as repo
from screening.clinic.review import reviewed_result

from .test_store import make_record

CLIENTS = "views/clinic_clients.py"
CLIENT = "views/clinic_client.py"
REVIEW = "views/clinic_review.py"
PROGRESS = "views/clinic_progress.py"


@pytest.fixture
def db(tmp_path: Path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    monkeypatch.setenv("SCREENING_DB_URL", url)
    with open_store(url) as store:
        yield store


def _app(page: str, **state) -> AppTest:
    at = AppTest.from_file(str(MAIN_SCRIPT), default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(page)
    return at.run()


def _ada(store) -> tuple[int, int]:
    """Ada with two sessions: heel lift of 5 cm, then 1 cm and a clean pattern."""
    ada = repo.create_client(store, "Ada Lovelace", reference="A-1")
    first = repo.save_assessment(
        store,
        ada,
        make_record(
            route="mobility",
            findings=(("heel_lift", "left", "moderate", 5.0),),
            metrics={"hip_drop_fraction": 0.4, "heel_lift_cm": 5.0},
        ),
        performed_on=date(2026, 1, 10),
        notes="Heels lift early.",
    )
    repo.save_assessment(
        store,
        ada,
        make_record(
            route="conditioning",
            fms=3,
            findings=(),
            metrics={"hip_drop_fraction": 0.5, "heel_lift_cm": 1.0},
        ),
        performed_on=date(2026, 2, 7),
    )
    return ada, first


def test_client_list_searches_and_adds_a_client(db):
    _ada(db)
    repo.create_client(db, "![x](http://example.invalid/pixel.png)")
    at = _app(CLIENTS)
    assert not at.exception
    names = [m.value for m in at.markdown]
    # A name that is Markdown stays text: no image tag, nothing fetched.
    assert any(r"\!\[x\]\(http://example\.invalid/pixel\.png\)" in n for n in names), names
    assert any("Ada Lovelace" in n for n in names)
    at.text_input(key="clinic.search").set_value("lovel").run()
    assert [b.key for b in at.button if b.key and b.key.startswith("clinic.open.")] == [
        "clinic.open.1"
    ]
    at.text_input(key="clinic.search").set_value("").run()
    form_inputs = [t for t in at.text_input if t.label == "Name"]
    form_inputs[0].set_value("Grace Hopper")
    next(t for t in at.text_input if t.label.startswith("Reference")).set_value("G-7")
    next(b for b in at.button if b.label == "Add client").click().run()
    assert not at.exception
    [grace] = repo.find_clients(db, "grace")
    assert grace.reference == "G-7"
    assert at.session_state["clinic.client_id"] == grace.id
    assert at.title[0].value == "Grace Hopper"  # the new client's page opened


def test_history_lists_sessions_and_erasure_needs_the_name(db):
    ada, _ = _ada(db)
    at = _app(CLIENT, **{"clinic.client_id": ada})
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "**2026-02-07**" in text and "**2026-01-10**" in text
    assert "Work on mobility (not reviewed yet)" in text
    assert text.index("2026-02-07") < text.index("2026-01-10")  # newest first
    assert [b.label for b in at.get("download_button")] == [
        "Assessments (CSV)",
        "Assessments (JSON)",
    ]
    erase = at.button(key="clinic.erase")
    assert erase.disabled
    at.text_input(key="clinic.erase.name").set_value("Ada").run()
    assert at.button(key="clinic.erase").disabled
    at.text_input(key="clinic.erase.name").set_value("Ada Lovelace").run()
    at.button(key="clinic.erase").click().run()
    assert not at.exception
    assert repo.find_clients(db) == []
    assert "Ada Lovelace was deleted, with 2 assessments" in at.success[0].value


def test_review_confirms_removes_adds_and_changes_the_route(db):
    ada = repo.create_client(db, "Ada Lovelace")
    aid = repo.save_assessment(
        db,
        ada,
        make_record(
            route="mobility",
            findings=(
                ("heel_lift", "left", "moderate", 4.5),
                ("knee_valgus", "right", "mild", 9.0),
            ),
        ),
    )
    rid = repo.get_assessment(db, aid).results[0].id
    at = _app(REVIEW, **{"clinic.assessment_id": aid, "clinic.therapist": "Dr Who"})
    assert not at.exception
    assert at.title[0].value == "Review: Ada Lovelace"
    assert "Not reviewed yet." in [m.value for m in at.markdown]

    at.radio(key=f"review.{rid}.heel_lift.left").set_value("Remove")
    at.multiselect(key=f"review.{rid}.added").set_value(["asymmetric_shift"]).run()
    at.selectbox(key=f"review.{rid}.asymmetric_shift.side").set_value("left")
    at.selectbox(key=f"review.{rid}.asymmetric_shift.severity").set_value("moderate")
    at.selectbox(key=f"review.{rid}.route").set_value("stability")
    at.text_area(key=f"review.{rid}.notes").set_value("Heel lift was the shoes.")
    at.button(key=f"review.{rid}.save").click().run()
    assert not at.exception

    result = repo.get_assessment(db, aid).results[0]
    reviewed = reviewed_result(result)
    assert result.record["route"] == "mobility"  # the machine's result is kept
    assert (reviewed.route, reviewed.reviewer, reviewed.notes) == (
        "stability",
        "Dr Who",
        "Heel lift was the shoes.",
    )
    assert [(f.code, f.side, f.decision, f.severity) for f in reviewed.findings] == [
        ("heel_lift", "left", "removed", "moderate"),
        ("knee_valgus", "right", "confirmed", "mild"),
        ("asymmetric_shift", "left", "added", "moderate"),
    ]
    assert "Review saved" in at.success[0].value
    text = [m.value for m in at.markdown]
    assert "**Work on mobility**" in text  # the screen's route, beside...
    assert "**Work on stability** (changed)" in text  # ...the therapist's
    assert "- Heel lift (left): removed" in text
    assert "- Asymmetric shift (left): added by the therapist" in text
    # The form opens again on the saved review.
    assert at.radio(key=f"review.{rid}.heel_lift.left").value == "Remove"
    assert at.selectbox(key=f"review.{rid}.route").value == "stability"


def test_progress_charts_two_sessions(db):
    ada, _ = _ada(db)
    at = _app(PROGRESS, **{"clinic.client_id": ada})
    assert not at.exception
    assert at.title[0].value == "Progress: Ada Lovelace"
    charts = at.get("vega_lite_chart")
    assert len(charts) == 3  # the route, depth, heel lift
    table = at.dataframe[0].value
    # Plain words and dates with month and year, read at a glance.
    assert list(table["Route"]) == ["Work on mobility", "Keep conditioning"]
    assert list(table["Date"]) == ["10 Jan 2026", "07 Feb 2026"]
    assert list(table["FMS"]) == [2, 3]
    # The heel measure's chart carries the line where it becomes a fault.
    heel = next(c for c in charts if "Heel" in str(c.spec))
    assert '"layer"' in heel.spec and '"rule"' in heel.spec


def test_clinic_pages_without_a_choice_point_to_the_client_list(db):
    for page in (CLIENT, PROGRESS):
        at = _app(page)
        assert not at.exception
        assert at.info[0].value == "Choose a client first."
    at = _app(REVIEW)
    assert "Choose an assessment" in at.info[0].value


def test_the_agreement_page_shows_kappa_and_opens_a_disagreement(db):
    """Seeded reviews (tests/test_agreement.py): heel lift 80% agreement, kappa 0.60 with
    its interval; a disagreement opens the review of its assessment."""
    from .test_agreement import _seed

    _seed(db)
    at = _app("views/clinic_agreement.py", clinic_tools=True)
    assert not at.exception
    table = at.dataframe[0].value
    heel = table[table["Check"] == "Heel lift"].iloc[0]
    assert heel["Agreement"] == "80%" and heel["Reviewed"] == 10
    assert heel["Cohen's kappa (95% CI)"] == "0.60 (0.10 to 1.00)"
    route = table[table["Check"] == "Route"].iloc[0]
    assert route["Agreement"] == "80%"
    assert [b.label for b in at.get("download_button")] == ["Agreement (CSV)", "Agreement (PDF)"]
    at.selectbox(key="clinic.agreement.what").set_value("heel_lift").run()
    opened = next(b for b in at.button if b.label == "Open")
    at = opened.click().run()
    assert not at.exception
    assert at.session_state["clinic.assessment_id"] is not None
    assert at.title[0].value.startswith("Review: Ada Lovelace")
