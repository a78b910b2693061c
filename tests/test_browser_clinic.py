"""Clinic mode in a real browser (Debian's Chromium, driven by Playwright): create a client,
record front and side views by upload, save the assessment, review and override it, make
the PDF report, export the CSV, and see progress over two sessions.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from screening.clinic import open_store
from screening.clinic import repository as repo

from .browser import app_server, choose_file, chromium_page, screenshot, settle
from .builders import SAMPLES
from .media import fault_clip, sample_labels
from .test_store import make_record

pytestmark = pytest.mark.slow
NAME = "Ada Lovelace"


def _side_clip_with(fault: str) -> tuple[Path, dict]:
    """A sample clip filmed from the side whose truth has `fault`."""
    for name, label in sorted(sample_labels().items()):
        if label["view"].startswith("side") and any(f["code"] == fault for f in label["faults"]):
            return SAMPLES / name, label
    raise LookupError(f"no side-view sample clip with {fault}")


def _download(page, button: str, to: Path) -> bytes:
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name=button).click()
    info.value.save_as(to)
    return to.read_bytes()


def test_therapist_records_reviews_and_exports_in_the_browser(tmp_path: Path):
    from pypdf import PdfReader

    front, front_label = fault_clip("knee_valgus")
    side, side_label = _side_clip_with("heel_lift")
    assert front_label["view"] == "front"
    url_db = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    with app_server(env={"SCREENING_DB_URL": url_db}) as url, chromium_page(tmp_path) as page:
        page.goto(f"{url}/clinic_clients")
        page.get_by_role("heading", name="Clients").wait_for(timeout=60_000)
        page.get_by_label("Clinic name (printed on reports)").fill("Riverside Physio")
        page.get_by_label("Clinic name (printed on reports)").press("Enter")
        page.get_by_label("Name", exact=True).fill(NAME)
        page.get_by_role("button", name="Add client").click()
        page.get_by_role("heading", name=NAME).wait_for(timeout=60_000)

        # An earlier session, as if recorded a month ago, so progress has two points.
        with open_store(url_db) as store:
            [client] = repo.find_clients(store, NAME)
            repo.save_assessment(
                store,
                client.id,
                make_record(
                    route="mobility", metrics={"hip_drop_fraction": 0.3, "heel_lift_cm": 6.0}
                ),
                performed_on=date(2026, 1, 2),
            )

        page.get_by_role("button", name="New assessment").click()
        page.get_by_role("heading", name=f"New assessment: {NAME}").wait_for(timeout=60_000)
        # A file chosen while the page is still being drawn can be dropped with the old
        # uploader, so let the run finish first, as a person would see the page done.
        settle(page)
        uploads = page.get_by_role("tab", name="Upload a video")
        uploads.nth(0).click()
        # The pose of each upload is found as it arrives; wait for it to be read.
        choose_file(page, 0, front, page.get_by_text("Ready: the front view is read."))
        settle(page)
        uploads.nth(1).click()
        choose_file(page, 1, side, page.get_by_text("Ready: the side view is read."))
        settle(page)
        page.get_by_role("button", name="Analyse", exact=True).click()
        page.get_by_role("button", name="Save assessment").wait_for(timeout=180_000)
        screenshot(page, "browser_clinic_assessment")
        page.get_by_role("button", name="Save assessment").click()

        page.get_by_role("heading", name=f"Review: {NAME}").wait_for(timeout=60_000)
        with open_store(url_db) as store:
            latest = repo.client_assessments(store, client.id)[-1]
        [clip_front, clip_side] = latest.clips
        assert (clip_front.view, clip_side.view) == ("front", side_label["view"])
        record = latest.results[0].record
        assert record["view"] == f"front+{side_label['view']}"
        codes = {f["code"] for f in record["findings"]}
        assert {"knee_valgus", "heel_lift"} <= codes, codes

        # Override: remove the heel lift, route to stability, a note for the report.
        page.locator("[data-testid=stRadio]").filter(has_text="Heel lift").get_by_text(
            "Remove"
        ).click()
        page.get_by_label("Notes (printed on the report)").fill("Recheck in four weeks.")
        route = page.get_by_role("combobox", name="Route")
        route.click()
        page.get_by_role("option", name="Work on stability").click()
        page.get_by_role("button", name="Save review").click()
        page.get_by_text("Review saved").wait_for(timeout=60_000)
        page.get_by_text("(changed)").first.wait_for(timeout=10_000)
        screenshot(page, "browser_clinic_review")

        page.get_by_role("button", name="Make the PDF report").click()
        page.get_by_role("button", name="Download the PDF report").wait_for(timeout=180_000)
        pdf = _download(page, "Download the PDF report", tmp_path / "report.pdf")
        text = " ".join(
            " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages
        )
        for expected in ("Riverside Physio", NAME, "Recheck in four weeks."):
            assert expected in text, expected

        page.get_by_role("link", name="Back to the client's history").click()
        page.get_by_role("heading", name="History").wait_for(timeout=60_000)
        data = _download(page, "Assessments (CSV)", tmp_path / "export.csv")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert [r["route"] for r in rows] == ["mobility", "stability"]
        assert rows[1]["reviewed"] == "True"
        assert "Heel lift" not in rows[1]["findings"]

        page.get_by_role("button", name="Progress").click()
        page.get_by_role("heading", name=f"Progress: {NAME}").wait_for(timeout=60_000)
        page.get_by_role("heading", name="Key measures").wait_for(timeout=30_000)
        page.locator("[data-testid=stVegaLiteChart]").nth(2).wait_for(timeout=30_000)
        screenshot(page, "browser_clinic_progress")
