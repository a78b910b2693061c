"""The PDF and HTML report, built from a real clip scored by the real pose model.

The clip is the side-view heel-lift squat: one finding (heel lift), the mobility route and
its six-exercise program, so every assertion below has a known answer. It is scored once
for the module; each test then only builds and reads reports.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import stat
import subprocess
import sys
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from markupsafe import escape
from pypdf import PdfReader

from screening.clinic.review import SEVERITY_ORDER
from screening.core.errors import ScreeningError
from screening.core.wording import plain_sentence, unrepeated_reasons
from screening.io.record import ScreeningRecord
from screening.pose.model_file import resolve_model
from screening.report.document import build_report, report_stem
from screening.report.pdf import REPLACEMENT, pdf_text

from .builders import SAMPLES
from .media import sample_labels

UNICODE_NAME = "Zoë Łukasiewicz"
NOTES = 'Said "it pinches" when deep.\nLeft knee <script>alert(1)</script> & more 😀🏋漢\x00!'


@pytest.fixture(scope="module")
def scored():
    from screening.core.settings import load_settings
    from screening.engine.pipeline import screen_clips

    clip = SAMPLES / "deep_squat__side_right__heel_lift.mp4"
    assert [f["code"] for f in sample_labels()[clip.name]["faults"]] == ["heel_lift"]
    record, analyses = screen_clips([clip], resolve_model(), load_settings())
    assert record.ok and record.route == "mobility"
    assert {f.code for f in record.findings} == {"heel_lift"}
    return record, analyses, clip


@pytest.fixture(scope="module")
def full(scored):
    record, analyses, clip = scored
    return build_report(
        record,
        analyses,
        [clip],
        clinic_name=UNICODE_NAME + " Physio",
        client_name=UNICODE_NAME,
        therapist_notes=NOTES,
    )


@pytest.fixture(scope="module")
def full_pdf(full):
    return full.pdf_bytes()


def pdf_words(data: bytes) -> tuple[str, PdfReader]:
    """All text of a PDF with whitespace collapsed (lines wrap anywhere)."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), reader


def words(text: str) -> str:
    return " ".join(text.split())


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.sources.append(dict(attrs)["src"] or "")
        if tag == "script":
            self.scripts += 1


def test_pdf_shows_route_score_finding_program_and_key_frame(full_pdf, scored):
    record = scored[0]
    data = full_pdf
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text, reader = pdf_words(data)
    assert "Work on mobility." in text
    assert "Movement score (FMS 0-3) 1 (provisional)" in text
    assert "Heels stay down not met" in text
    assert "Why this route • Range is missing: heel lift." in text
    assert "Heel lift" in text and "on the right, in 3 of 3 reps" in text
    for ex in record.program["exercises"]:
        assert words(ex["name"]) in text
        assert words(ex["cues"][0]) in text
    assert "Not judged from this view" in text and "Knee valgus" in text
    assert "see a clinician" in text
    images = [img for page in reader.pages for img in page.images]
    # The key frame (a 480x360 JPEG from the 640x480 clip) and the chart of heel height.
    assert len(images) == 2
    sizes = sorted(img.image.size for img in images)
    assert (480, 360) in sizes
    key_frame = next(img for img in images if img.image.size == (480, 360))
    assert key_frame.name.endswith(".jpg")


def test_html_is_one_file_with_the_same_content_and_no_fetches(full, scored):
    record = scored[0]
    html = full.html()
    assert "Work on mobility." in html and "Heel lift" in html
    for ex in record.program["exercises"]:
        assert str(escape(ex["name"])) in html
    parser = _Images()
    parser.feed(html)
    assert len(parser.sources) == 2
    assert all(
        src.startswith(("data:image/jpeg;base64,", "data:image/png;base64,"))
        for src in parser.sources
    )
    assert "http://" not in html and "https://" not in html
    assert "default-src 'none'" in html


def test_each_reason_is_given_once_for_the_cards_that_share_it(full, scored):
    """The heel lift's reason covers several exercises in a row: said on the first only."""
    whys = [ex["why"] for ex in scored[0].program["exercises"]]
    repeated = next(w for w in whys if whys.count(w) > 1)
    assert str(escape(plain_sentence(repeated))) in full.html()
    assert full.html().count(str(escape(plain_sentence(repeated)))) == 1
    assert unrepeated_reasons(["a", "a", "b", "a"]) == ["a", "", "b", "a"]


def test_user_text_is_escaped_in_html_and_printed_in_pdf(full, full_pdf):
    html = full.html()
    parser = _Images()
    parser.feed(html)
    assert parser.scripts == 0
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "Said &#34;it pinches&#34; when deep.\nLeft knee" in html
    assert UNICODE_NAME in html and f"{UNICODE_NAME} Physio" in html
    text, _ = pdf_words(full_pdf)
    assert f"{UNICODE_NAME} Physio" in text
    assert f"Movement screen report {UNICODE_NAME}" in text
    assert 'Said "it pinches" when deep.' in text
    assert "Left knee <script>alert(1)</script> & more" in text


def test_pdf_text_keeps_what_the_font_has_and_marks_what_it_lacks():
    assert pdf_text(UNICODE_NAME) == UNICODE_NAME
    assert pdf_text("a\x00b\tc\r\nd") == "ab    c\nd"
    assert pdf_text("Zoe\u0308") == "Zoë"  # composed, not a loose combining mark
    assert pdf_text("lift 🏋 漢") == f"lift {REPLACEMENT} {REPLACEMENT}"
    assert pdf_text("in\u2066visible\u2069") == "invisible"  # isolates the font lacks


def test_failed_record_gives_a_short_report_saying_why():
    record = ScreeningRecord(
        source="/private/folder/clip.mp4",
        error="no person found (a pose in 0 of 90 frames); film the "
        "whole body, head to feet, in good light",
    )
    report = build_report(record)
    text, reader = pdf_words(report.pdf_bytes())
    assert len(reader.pages) == 1
    assert "This video could not be screened." in text
    assert "Why: no person found (a pose in 0 of 90 frames)" in text
    assert "clip.mp4" in text and "/private/folder" not in text
    assert "What we saw" not in text and "see a clinician" in text
    html = report.html()
    assert "This video could not be screened" in html and "no person found" in html
    assert "What we saw" not in html


def test_stored_record_without_video_has_per_rep_charts_and_no_key_frames(scored):
    stored = json.loads(json.dumps(scored[0].to_dict()))  # as from a JSONL file or database
    report = build_report(stored)
    (section,) = report.findings
    assert section.key_frame is None
    assert section.chart is not None and section.chart.mime == "image/png"
    assert "at the bottom of each rep" in section.chart.caption
    text, reader = pdf_words(report.pdf_bytes())
    assert "Heel lift" in text and "Work on mobility." in text
    assert sum(len(page.images) for page in reader.pages) == 1


@pytest.mark.parametrize("videos", [["gone.mp4"], []], ids=["deleted", "not kept"])
def test_without_the_video_only_the_key_frame_is_left_out(scored, tmp_path, videos):
    record, analyses, _ = scored
    report = build_report(record, analyses, [tmp_path / v for v in videos])
    (section,) = report.findings
    assert section.key_frame is None
    assert "over time" in section.chart.caption


def test_reviewed_result_is_shown_with_the_machine_original_beside_it(scored):
    machine = scored[0].to_dict()
    reviewed = json.loads(json.dumps(machine))
    reviewed["route"] = "stability"
    reviewed["findings"] = [
        {
            "code": "knee_valgus",
            "side": "left",
            "severity": "moderate",
            "confidence": 1.0,
            "value": None,
            "units": "deg",
            "rep": None,
            "frames": [],
        }
    ]
    report = build_report(scored[0], reviewed=reviewed, therapist_notes="Knee caves on the left.")
    # How severe the machine found the heel lift is the heel network's reading, not what
    # this test is about; the review shows the worst rep's grade as found.
    heel = max(
        (f for f in machine["findings"] if f["code"] == "heel_lift"),
        key=lambda f: SEVERITY_ORDER.index(f["severity"]),
    )
    assert report.headline == "Work on stability"
    assert report.review == (
        ("Route", "Work on mobility", "Work on stability"),
        ("Movement score (FMS 0-3)", "1 (provisional)", "1 (provisional)"),
        ("Heel lift", f"Seen ({heel['severity']})", "Removed"),
        ("Knee valgus", "Not seen", "Added"),
    )
    (section,) = report.findings
    assert (section.name, section.review) == ("Knee valgus", "added by the therapist")
    assert section.summary == "Moderate on the left"
    text, _ = pdf_words(report.pdf_bytes())
    assert "Therapist's review What The screen said After review" in text
    assert f"Heel lift Seen ({heel['severity']}) Removed" in text
    assert "Knee valgus Not seen Added" in text
    assert "Knee caves on the left." in text
    html = report.html()
    assert "Therapist's review" in html and "added by the therapist" in html


def test_reports_are_written_owner_only_and_all_or_nothing(scored, tmp_path, monkeypatch):
    report = build_report(scored[0])
    out, stem = tmp_path / "reports", report_stem(scored[0])
    pdf, html = report.write(out, stem)
    assert pdf.name == "deep_squat__side_right__heel_lift.report.pdf"
    assert html.name == "deep_squat__side_right__heel_lift.report.html"
    for path in (pdf, html):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    before = pdf.read_bytes()

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(ScreeningError, match="No space left on device"):
        build_report(ScreeningRecord(source="other.mp4", error="x")).write(out, stem)
    assert pdf.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [html.name, pdf.name]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screening", *args], capture_output=True, text=True, timeout=600
    )


def test_cli_report_writes_a_pdf_and_html_per_video(scored, tmp_path):
    clip = scored[2]
    broken = tmp_path / "broken.mp4"
    broken.write_text("not a video")
    twin = tmp_path / "same_bytes.mp4"  # scored once; its record (and report) is a copy
    shutil.copyfile(clip, twin)
    out = tmp_path / "reports"
    done = _run("score", str(clip), str(broken), str(twin), "--report", str(out), "--quiet")
    assert done.returncode == 1, done.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "broken.report.html",
        "broken.report.pdf",
        f"{clip.stem}.report.html",
        f"{clip.stem}.report.pdf",
        "same_bytes.report.html",
        "same_bytes.report.pdf",
    ], done.stderr
    assert all(stat.S_IMODE((out / n).stat().st_mode) == 0o600 for n in names)
    text, reader = pdf_words((out / f"{clip.stem}.report.pdf").read_bytes())
    assert "Work on mobility." in text and "Heel lift" in text
    assert sum(len(page.images) for page in reader.pages) == 2
    failed, _ = pdf_words((out / "broken.report.pdf").read_bytes())
    assert "This video could not be screened." in failed
    assert "Work on mobility." in (out / f"{clip.stem}.report.html").read_text("utf-8")
    copy, reader = pdf_words((out / "same_bytes.report.pdf").read_bytes())
    assert "Work on mobility." in copy and "Video same_bytes.mp4" in copy
    assert sum(len(page.images) for page in reader.pages) == 1  # per-rep chart, no frame


def test_help_explains_report_option():
    done = _run("score", "--help")
    assert "--report DIR" in done.stdout and ".report.pdf" in done.stdout


def test_report_to_a_file_is_a_usage_error(scored, tmp_path):
    not_a_folder = tmp_path / "taken.txt"
    not_a_folder.write_text("mine")
    done = _run("score", str(scored[2]), "--report", str(not_a_folder))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"screening: error: --report {not_a_folder}: that is a file; give a folder for the reports"
    ]
    assert not_a_folder.read_text() == "mine"


def test_live_take_frames_kept_in_memory_give_the_key_frame(scored):
    from screening.io.video import VideoFileSource
    from screening.report.evidence import FrameStore

    record, analyses, clip = scored
    store = FrameStore()
    with VideoFileSource(clip) as frames:
        for frame in frames:
            store.add(frame.index, frame.rgb, frame.timestamp_s)
    (section,) = build_report(record, analyses, [store]).findings
    assert section.key_frame is not None
    assert (section.key_frame.width, section.key_frame.height) == (480, 360)


def test_report_date_shows_the_time_only_when_there_is_one():
    failed = ScreeningRecord(source="clip.mp4", error="too short")
    assert build_report(failed, date=datetime(2026, 11, 21, 14, 5)).date == "2026-11-21 14:05"
    assert build_report(failed, date=datetime(2026, 11, 21)).date == "2026-11-21"
    assert build_report(failed, date=date(2026, 11, 21)).date == "2026-11-21"


def test_a_report_that_cannot_be_written_is_one_logged_line(tmp_path, caplog):
    """--report into a place that is a file, not a folder: one warning through logging
    (the CLI prints it as `screening: no report for ...`), False, and no exception."""
    from screening.report.document import write_result_report

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file")
    record = ScreeningRecord(source="clip.mp4", ok=False, error="too short")
    with caplog.at_level("WARNING", logger="screening"):
        assert write_result_report(record, [], [], blocked) is False
    (line,) = [r.getMessage() for r in caplog.records if r.name == "screening"]
    assert line.startswith("no report for clip: ") and "\n" not in line
