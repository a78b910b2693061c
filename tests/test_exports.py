"""Clinic exports: CSV and JSON of a client's or all assessments, the reviewed record, the
progress table, the PDF report, and files written owner-only and atomically."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
from datetime import date
from pathlib import Path

import pytest

from screening.clinic import exports, open_store
from screening.clinic import repository as repo
from screening.clinic.progress import measure_series, progress_rows, route_series
from screening.clinic.review import reviewed_record, reviewed_result
from screening.io.files import ExportError

from .test_store import make_record


@pytest.fixture
def clinic(tmp_path: Path):
    """Two clients: Ada with two assessments (the first reviewed), and a tricky name."""
    with open_store(f"sqlite:///{tmp_path / 'clinic.sqlite3'}") as store:
        ada = repo.create_client(store, "Ada Lovelace", reference="A-1")
        first = repo.save_assessment(
            store,
            ada,
            make_record(route="mobility", metrics={"hip_drop_fraction": 0.4, "heel_lift_cm": 5.0}),
            performed_on=date(2026, 1, 10),
            pain={"knee": 0.0},
            notes="Heels lift early.",
            therapist="Dr Who",
            clips=[repo.ClipInput("view", "front"), repo.ClipInput("view", "side_left")],
        )
        rid = repo.get_assessment(store, first).results[0].id
        repo.save_review(
            store,
            rid,
            route="stability",
            notes="Knees matter more.",
            reviewer="Dr Who",
            decisions=[
                repo.FindingDecision("heel_lift", "left", "removed"),
                repo.FindingDecision("knee_valgus", "both", "added", "moderate"),
            ],
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
            clips=[repo.ClipInput("view", "side_left")],
        )
        evil = repo.create_client(store, '=HYPERLINK("x")', reference="@ref")
        repo.save_assessment(
            store, evil, make_record(), performed_on=date(2026, 1, 12), notes="-2+3"
        )
        yield store, ada, evil


def _csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())  # spreadsheets read UTF-8 right with a BOM
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_of_one_client_puts_machine_and_therapist_side_by_side(clinic):
    store, ada, _ = clinic
    rows = _csv(exports.export(store, "csv", ada))
    assert [r["date"] for r in rows] == ["2026-01-10", "2026-02-07"]
    first, second = rows
    assert first["client"] == "Ada Lovelace" and first["reference"] == "A-1"
    assert (first["machine_route"], first["route"], first["reviewed"]) == (
        "mobility",
        "stability",
        "True",
    )
    assert first["machine_findings"] == "Heel lift (left): moderate"
    assert first["findings"] == "Knee valgus: moderate"
    assert first["views"] == "front;side_left"
    assert first["pain"] == "knee=0" and first["notes"] == "Heels lift early."
    assert first["review_notes"] == "Knees matter more."
    assert first["measures"] == "hip_drop_fraction=0.4;heel_lift_cm=5"
    assert (second["route"], second["fms"], second["reviewed"]) == ("conditioning", "3", "False")


def test_csv_of_all_clients_defuses_formulas(clinic):
    store, *_ = clinic
    rows = _csv(exports.export(store, "csv"))
    assert len(rows) == 3
    evil = next(r for r in rows if r["reference"].endswith("@ref"))
    assert evil["client"] == '\'=HYPERLINK("x")'
    assert evil["reference"] == "'@ref" and evil["notes"] == "'-2+3"


def test_json_holds_everything_nested(clinic):
    store, ada, evil = clinic
    doc = json.loads(exports.export(store, "json"))
    assert doc["export_format"] == 1
    assert [c["id"] for c in doc["clients"]] == [ada, evil]
    first = doc["clients"][0]["assessments"][0]
    assert first["clips"][0]["kind"] == "view" and first["clips"][1]["view"] == "side_left"
    [result] = first["results"]
    assert result["record"] == make_record(
        route="mobility", metrics={"hip_drop_fraction": 0.4, "heel_lift_cm": 5.0}
    )
    assert result["reviewed_route"] == "stability"
    assert [f["decision"] for f in result["reviews"][0]["findings"]] == ["removed", "added"]
    only_ada = json.loads(exports.export(store, "json", ada))
    assert [c["name"] for c in only_ada["clients"]] == ["Ada Lovelace"]


def test_reviewed_record_applies_the_review_and_rebuilds_the_program(clinic):
    store, ada, _ = clinic
    result = repo.client_assessments(store, ada)[0].results[0]
    reviewed = reviewed_record(result.record, result.latest_review)
    assert reviewed["route"] == "stability" and reviewed["program"]["id"] == "stability"
    assert [(f["code"], f["side"]) for f in reviewed["findings"]] == [("knee_valgus", "both")]
    assert reviewed["route_reasons"] == ["reviewed by Dr Who: Knees matter more."]
    assert result.record["route"] == "mobility"  # the machine's record is not changed
    assert reviewed_record(result.record, None) is result.record


def test_progress_rows_follow_the_sessions(clinic):
    store, ada, _ = clinic
    rows = progress_rows(repo.client_assessments(store, ada))
    assert [(r["date"], r["route"], r["machine_route"], r["fms"]) for r in rows] == [
        (date(2026, 1, 10), "stability", "mobility", 2),
        (date(2026, 2, 7), "conditioning", "conditioning", 3),
    ]
    heel = [p["value"] for p in measure_series(rows) if p["measure"] == "heel_lift_cm"]
    assert heel == [5.0, 1.0]
    assert [p["level"] for p in route_series(rows)] == [2, 3]


def test_file_name_is_safe_whatever_the_client_is_called():
    assert exports.export_file_name("../../etc/Ada Lovelace!", "csv", date(2026, 1, 2)) == (
        "assessments-etc-ada-lovelace-2026-01-02.csv"
    )
    assert exports.export_file_name("???", "json", date(2026, 1, 2)) == (
        "assessments-client-2026-01-02.json"
    )


def test_export_file_is_private_and_whole(tmp_path: Path, clinic):
    store, ada, _ = clinic
    old = os.umask(0)
    try:
        out = exports.write_export(tmp_path / "new" / "ada.csv", exports.export(store, "csv", ada))
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o600
    assert out.parent.stat().st_mode & 0o777 == 0o700
    assert len(_csv(out.read_bytes())) == 2
    assert sorted(p.name for p in out.parent.iterdir()) == ["ada.csv"]


def test_full_disk_gives_one_error_and_no_half_file(tmp_path: Path, monkeypatch):
    target = tmp_path / "export.csv"
    target.write_bytes(b"the previous export")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ExportError) as err:
        exports.write_export(target, b"x" * 100_000)
    assert str(err.value) == (
        f"cannot write {target}: No space left on device; nothing was written"
    )
    assert target.read_bytes() == b"the previous export"  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]  # no temporary file left


@pytest.mark.slow
def test_pdf_report_carries_clinic_name_notes_and_review(tmp_path: Path):
    from pypdf import PdfReader

    from screening.core.settings import load_settings
    from screening.engine.pipeline import score_video
    from screening.pose.model_file import resolve_model

    from .media import fault_clip

    clip, _ = fault_clip("heel_lift")
    record = score_video(clip, resolve_model(), load_settings()).to_dict()
    assert record["ok"]
    with open_store(f"sqlite:///{tmp_path / 'clinic.sqlite3'}") as store:
        cid = repo.create_client(store, "Ada Lovelace")
        aid = repo.save_assessment(store, cid, record, notes="Tight calves, left worse.")
        rid = repo.get_assessment(store, aid).results[0].id
        repo.save_review(
            store,
            rid,
            route="stability",
            notes="Recheck in four weeks.",
            decisions=[repo.FindingDecision("knee_valgus", "both", "added", "mild")],
        )
        pdf = exports.assessment_pdf(store, aid, clinic_name="Riverside Physio")
    assert pdf.startswith(b"%PDF")
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    for expected in (
        "Riverside Physio",
        "Ada Lovelace",
        "Tight calves, left worse.",
        "Recheck in four weeks.",
    ):
        assert expected in text, expected


def test_review_recomputes_the_score_and_adds_exercises_for_added_findings(tmp_path: Path):
    """Heel lift was the only failed FMS criterion: removing it makes the squat a 3; adding
    knees caving instead fails 'knees over feet' again, and the program answers it."""
    record = make_record(route="mobility", fms=1)
    record["score"] = {
        "fms": 1,
        "provisional": True,
        "not_assessed": [],
        "basis": "-",
        "criteria": {
            "torso_parallel_to_tibia_or_upright": True,
            "femur_below_horizontal": True,
            "knees_over_feet": True,
            "heels_down": False,
        },
    }
    with open_store(f"sqlite:///{tmp_path / 'clinic.sqlite3'}") as store:
        client = repo.create_client(store, "Grace Hopper")
        aid = repo.save_assessment(store, client, record, performed_on=date(2026, 3, 1))
        rid = repo.get_assessment(store, aid).results[0].id
        removed = repo.FindingDecision("heel_lift", "left", "removed")
        repo.save_review(store, rid, route="conditioning", reviewer="Dr T", decisions=[removed])
        result = repo.get_assessment(store, aid).results[0]
        clean = reviewed_record(result.record, result.latest_review)
        assert clean["score"]["fms"] == 3
        assert clean["score"]["basis"] == "after review: all criteria met with the heels flat"
        assert clean["score"]["criteria"]["heels_down"] is True
        assert reviewed_result(result).fms == 3 and reviewed_result(result).machine_fms == 1

        repo.save_review(
            store,
            rid,
            route="stability",
            reviewer="Dr T",
            decisions=[removed, repo.FindingDecision("knee_valgus", "both", "added", "moderate")],
        )
        result = repo.get_assessment(store, aid).results[0]
        caved = reviewed_record(result.record, result.latest_review)
        assert caved["score"]["fms"] == 1
        assert caved["score"]["criteria"]["knees_over_feet"] is False
        whys = [e["why"] for e in caved["program"]["exercises"]]
        assert "Because your therapist saw knee valgus." in whys
        [row] = [r for r in exports.csv_rows(repo.client_assessments(store, client))]
        assert (row["fms"], row["machine_fms"]) == (1, 1)
        assert progress_rows(repo.client_assessments(store, client))[0]["fms"] == 1
