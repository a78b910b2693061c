"""A screening result as a report to keep or print: one PDF and one self-contained HTML file.

The report carries what the results page shows: the route in plain words, the score and
what it rests on, each finding with its key frame and a chart of the measure against its
threshold, what this view could not judge, the program, a disclaimer and the red flags.
A clinic adds its name, the client's name and the therapist's notes; a reviewed result is
shown with the machine's original beside it.

`build_report` gathers and draws everything once (pictures included) into a `Report`;
`Report.html()` and `Report.pdf_bytes()` only lay it out. Without the analyses and videos
(a live screen whose video was not kept, a record loaded from the database) the report
shows what the record holds: no key frames, and per-rep charts from the rep metrics.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import numpy as np

from screening.checks import UNITS, settings_for
from screening.checks.base import CheckResult, Finding
from screening.core.codes import Check, Movement
from screening.core.errors import ScreeningError
from screening.core.settings import Settings, load_settings
from screening.core.wording import (
    BORDERLINE_HEADING,
    BORDERLINE_NOTE,
    CRITERIA_WORDS,
    DISCLAIMER,
    FILMING_TIPS,
    RED_FLAGS,
    ROUTE_WORDS,
    borderline_lines,
    check_name,
    fms_text,
    plain_sentence,
    retake_advice,
    unrepeated_reasons,
)
from screening.engine.pipeline import Analysis
from screening.io.files import write_private_atomic
from screening.io.frame_store import FrameSource
from screening.io.record import ScreeningRecord
from screening.report.evidence import key_frames, measure_table
from screening.report.pdf import render_pdf
from screening.report.pictures import Picture, jpeg_picture, rep_chart, time_chart

RecordLike = ScreeningRecord | Mapping[str, Any]
"""A record as the pipeline makes it, or as a dict (a JSONL line, a database row)."""

log = logging.getLogger("screening")


@dataclass(frozen=True)
class FindingSection:
    """One compensation: what was seen, the frame that shows it, its measure over time."""

    code: str
    name: str
    summary: str
    review: str  # "", "confirmed by the therapist" or "added by the therapist"
    key_frame: Picture | None
    chart: Picture | None


@dataclass(frozen=True)
class Report:
    """Everything a report shows, gathered once; `html()` and `pdf_bytes()` lay it out."""

    ok: bool
    headline: str
    tone: str  # error | warning | success (ROUTE_WORDS)
    summary: str
    error: str | None
    date: str
    facts: tuple[tuple[str, str], ...]
    score_basis: str
    criteria: tuple[tuple[str, str], ...]
    reasons: tuple[str, ...]
    retake: str | None
    pain: tuple[str, ...]
    findings: tuple[FindingSection, ...]
    review: tuple[tuple[str, str, str], ...]
    """(what, machine said, therapist's review) rows; empty when the result was not reviewed."""
    not_assessable: tuple[tuple[str, str], ...]
    program_title: str
    program_summary: str
    exercises: tuple[Mapping[str, Any], ...]
    clinic_name: str | None
    client_name: str | None
    therapist_notes: str | None
    disclaimer: str = DISCLAIMER
    red_flags: str = RED_FLAGS
    filming_tips: str = FILMING_TIPS
    borderline: tuple[str, ...] = ()
    """One sentence per check too close to its threshold to call."""
    borderline_heading: str = BORDERLINE_HEADING
    borderline_note: str = BORDERLINE_NOTE

    def html(self) -> str:
        """One self-contained HTML page: styles inline, images as data URIs, user text escaped."""
        return _template().render(r=self)

    def pdf_bytes(self) -> bytes:
        """The report as a PDF document."""
        return render_pdf(self)

    def write(self, directory: str | Path, stem: str) -> tuple[Path, Path]:
        """Write `<stem>.report.pdf` and `<stem>.report.html` into `directory` (owner-only)."""
        directory = Path(directory)
        pdf, html = directory / f"{stem}.report.pdf", directory / f"{stem}.report.html"
        write_private_atomic(pdf, self.pdf_bytes())
        write_private_atomic(html, self.html().encode("utf-8"))
        return pdf, html


def build_report(
    record: RecordLike,
    analyses: Sequence[Analysis] = (),
    videos: Sequence[FrameSource] = (),
    *,
    clinic_name: str | None = None,
    client_name: str | None = None,
    therapist_notes: str | None = None,
    reviewed: RecordLike | None = None,
    date: datetime | Date | None = None,
    settings: Settings | None = None,
) -> Report:
    """Gather a result into a report.

    record: the machine's result. reviewed: the same result after a therapist's review
    (findings confirmed, removed or added, route changed); when given, the report shows it
    and lists the machine's original beside it. analyses/videos: the clips the record was
    made from, in the same order (for key frames and charts over time): video files, or a
    live take's frames kept in memory (`visuals.FrameStore`); may be empty. date: when the
    screen was done (a date, or a date and time; default now).
    settings: the thresholds for per-rep charts when no analysis is given (default: the
    packaged defaults).
    """
    machine = _as_dict(record)
    shown = _as_dict(reviewed) if reviewed is not None else machine
    when = _when(date or datetime.now().astimezone())
    common: dict[str, Any] = {
        "date": when,
        "clinic_name": _clean(clinic_name),
        "client_name": _clean(client_name),
        "therapist_notes": _clean(therapist_notes),
    }
    if not shown.get("ok"):
        return _failure(shown, common)
    route = shown.get("route") or "not_judged"
    headline, tone = ROUTE_WORDS.get(route, (check_name(route), "warning"))
    program = shown.get("program") or {}
    score = shown.get("score") or {}
    evidence = _Evidence(list(analyses), list(videos), settings or load_settings(), shown)
    machine_codes = {f["code"] for f in machine.get("findings", [])}
    return Report(
        ok=True,
        headline=headline,
        tone=tone,
        summary=program.get("summary", ""),
        error=None,
        facts=_facts(shown, score),
        score_basis=plain_sentence(score.get("basis", "")),
        criteria=_criteria(score),
        reasons=tuple(plain_sentence(r) for r in shown.get("route_reasons", [])),
        retake=(
            retake_advice(shown["suggested_retakes"]) if shown.get("suggested_retakes") else None
        ),
        pain=tuple(
            f"{check_name(region)}: {nrs:g} of 10"
            for region, nrs in (shown.get("pain") or {}).items()
        ),
        findings=tuple(evidence.sections(machine_codes if reviewed is not None else None)),
        review=_review_rows(machine, shown) if reviewed is not None else (),
        not_assessable=tuple(
            (check_name(code), reason)
            for code, reason in (shown.get("not_assessable_reasons") or {}).items()
        ),
        borderline=_borderline(shown),
        program_title=program.get("title", "Program"),
        program_summary=program.get("summary", ""),
        exercises=_exercises(program.get("exercises", [])),
        **common,
    )


def _failure(record: Mapping[str, Any], common: dict[str, Any]) -> Report:
    """A short report for a video that could not be screened: why, and how to film it."""
    return Report(
        ok=False,
        headline="This video could not be screened",
        tone="error",
        summary="",
        error=record.get("error") or "the reason was not recorded",
        facts=(("Video", _source_names(record)),),
        score_basis="",
        criteria=(),
        reasons=(),
        retake=None,
        pain=(),
        findings=(),
        review=(),
        not_assessable=(),
        program_title="",
        program_summary="",
        exercises=(),
        **common,
    )


def _when(moment: datetime | Date) -> str:
    """A date, with the time of day when there is one (midnight means "no time given")."""
    if isinstance(moment, datetime) and moment.time() != datetime.min.time():
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.strftime("%Y-%m-%d")


def _exercises(program: list[Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    """The exercise cards, each reason said once for a run of cards that share it."""
    cards = [_exercise(ex) for ex in program]
    for card, why in zip(cards, unrepeated_reasons([c["why"] for c in cards]), strict=True):
        card["why"] = why
    return tuple(cards)


def _exercise(ex: Mapping[str, Any]) -> dict[str, Any]:
    """An exercise card's fields, tolerant of a stored program missing an optional one."""
    return {
        "name": ex.get("name", "Exercise"),
        "phase": ex.get("phase", ""),
        "dose": ex.get("dose", ""),
        "tissue": ex.get("tissue", ""),
        "why": plain_sentence(ex.get("why", "")),
        "cues": list(ex.get("cues", [])),
    }


def _as_dict(record: RecordLike) -> Mapping[str, Any]:
    return record.to_dict() if isinstance(record, ScreeningRecord) else record


def _clean(text: str | None) -> str | None:
    """User text as given, or None when there is nothing to show."""
    return text if text and text.strip() else None


def _words(name: str | None) -> str:
    return (name or "-").replace("_", " ").replace("+", " + ")


def _source_names(record: Mapping[str, Any]) -> str:
    """The video file names only: a folder path can say more about a person than needed."""
    paths = list(record.get("sources") or {}) or [record.get("source") or "-"]
    return ", ".join(Path(p).name for p in paths)


def _facts(record: Mapping[str, Any], score: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return (
        ("Movement score (FMS 0-3)", fms_text(score)),
        ("Movement", _words(record.get("movement"))),
        ("Camera view", _words(record.get("view"))),
        ("Reps found", str(len(record.get("reps", [])))),
        ("Video", _source_names(record)),
    )


def _criteria(score: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Each FMS criterion in words with met / not met / not seen."""
    rows = [
        (CRITERIA_WORDS.get(name, check_name(name)), "met" if met else "not met")
        for name, met in (score.get("criteria") or {}).items()
    ]
    rows += [
        (CRITERIA_WORDS.get(name, check_name(name)), "not seen from this view")
        for name in score.get("not_assessed", [])
    ]
    return tuple(rows)


def _by_code(findings: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Findings grouped per check, in the order they were found."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for f in findings:
        groups.setdefault(f["code"], []).append(f)
    return groups


def _magnitude(finding: Mapping[str, Any]) -> float:
    value = finding.get("value")
    return abs(value) if isinstance(value, int | float) and np.isfinite(value) else -1.0


def _worst(items: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    return max(items, key=_magnitude)


SIDE_WORDS = {"left": " on the left", "right": " on the right", "both": " on both sides"}


def _finding_summary(items: Sequence[Mapping[str, Any]], reps: int) -> str:
    """'moderate, up to 4.6 cm on the right, in 3 of 3 reps'."""
    worst = _worst(items)
    text = str(worst.get("severity") or "seen").capitalize()
    if _magnitude(worst) >= 0:
        units = str(worst.get("units", "")).replace("deg", "degrees")
        text += f", up to {_magnitude(worst):.1f} {units}"
    text += SIDE_WORDS.get(str(worst.get("side")), "")
    seen_in = len({f.get("rep") for f in items if f.get("rep") is not None})
    if seen_in and reps:
        text += f", in {seen_in} of {reps} rep{'s' if reps != 1 else ''}"
    return text


def _borderline(record: Mapping[str, Any]) -> tuple[str, ...]:
    """One sentence per borderline check, for its highest reading."""
    findings = [
        (f["code"], f["value"], f.get("uncertainty", 0.0), f["units"])
        for f in record.get("borderline") or []
    ]
    return tuple(borderline_lines(findings, record.get("view")))


def _review_rows(
    machine: Mapping[str, Any], reviewed: Mapping[str, Any]
) -> tuple[tuple[str, str, str], ...]:
    """What the therapist changed: route, score, and each finding confirmed/removed/added."""

    def route(r: Mapping[str, Any]) -> str:
        return ROUTE_WORDS[r["route"]][0] if r.get("route") in ROUTE_WORDS else "-"

    rows = [
        ("Route", route(machine), route(reviewed)),
        (
            "Movement score (FMS 0-3)",
            fms_text(machine.get("score") or {}),
            fms_text(reviewed.get("score") or {}),
        ),
    ]
    before = _by_code(machine.get("findings", []))
    after = _by_code(reviewed.get("findings", []))
    for code in [*before, *(c for c in after if c not in before)]:
        said = (
            f"Seen ({_worst(before[code]).get('severity') or 'seen'})"
            if code in before
            else "Not seen"
        )
        verdict = (
            "Confirmed"
            if code in before and code in after
            else "Removed"
            if code in before
            else "Added"
        )
        rows.append((check_name(code), said, verdict))
    return tuple(rows)


class _Evidence:
    """The pictures of each finding: from the clips when they are at hand, else the record."""

    def __init__(
        self,
        analyses: list[Analysis],
        videos: list[FrameSource],
        settings: Settings,
        record: Mapping[str, Any],
    ) -> None:
        self.analyses = analyses
        self.videos = videos  # may be shorter than analyses (or empty): no key frames then
        self.settings = settings
        self.record = record

    def sections(self, machine_codes: set[str] | None) -> list[FindingSection]:
        """One section per check with findings; `machine_codes` marks a reviewed result."""
        groups = _by_code(self.record.get("findings", []))
        frames = self._key_frames({code: _worst(items) for code, items in groups.items()})
        reps = len(self.record.get("reps", []))
        out = []
        for code, items in groups.items():
            review = (
                ""
                if machine_codes is None
                else "confirmed by the therapist"
                if code in machine_codes
                else "added by the therapist"
            )
            out.append(
                FindingSection(
                    code,
                    check_name(code),
                    _finding_summary(items, reps),
                    review,
                    frames.get(code),
                    self._chart(code),
                )
            )
        return out

    def _check(self, code: str) -> tuple[Analysis, CheckResult] | None:
        """The clip that judged this check: one that found it, else one that could see it."""
        pairs = [(a, c) for a in self.analyses for c in a.checks if c.code.value == code]
        return next((p for p in pairs if p[1].findings), None) or next(
            (p for p in pairs if p[1].assessable), None
        )

    def _key_frames(self, worst: dict[str, Mapping[str, Any]]) -> dict[str, Picture]:
        """The annotated frame of each check's worst finding, decoding each clip once."""
        wanted: dict[int, list[Finding]] = {}
        for code, f in worst.items():
            found = self._check(code)
            if found is not None and f.get("frames"):
                finding = Finding(**f)  # a record's finding, as JSON (null for NaN)
                wanted.setdefault(self.analyses.index(found[0]), []).append(finding)
        out: dict[str, Picture] = {}
        for i, findings in wanted.items():
            if i >= len(self.videos):
                continue
            try:
                shots = key_frames(self.videos[i], self.analyses[i], findings)
            except (ScreeningError, OSError):
                continue  # the clip is gone or unreadable: the report goes on without it
            for shot in shots:
                rep = shot.finding.rep
                caption = (
                    f"Frame {shot.frame}"
                    + (f", rep {rep + 1}" if rep is not None else "")
                    + ": the skeleton as the screen saw it"
                )
                out[shot.finding.code] = jpeg_picture(shot.image, caption)
        return out

    def _chart(self, code: str) -> Picture | None:
        """The measure over time from the clip, else its value per rep from the record."""
        found = self._check(code)
        if found is not None and found[1].assessable and found[1].series:
            analysis, check = found
            t = analysis.clean.timestamps_s - analysis.clean.timestamps_s[0]
            spans = [(float(t[r.start]), float(t[r.end])) for r in analysis.context.reps]
            return time_chart(measure_table(analysis, check), spans, check.units, check_name(code))
        if code not in Check.__members__.values():
            return None
        units = UNITS[Check(code)]
        values = [
            rep.get("metrics", {}).get(f"{code}_{units}") for rep in self.record.get("reps", [])
        ]
        if not any(isinstance(v, int | float) for v in values):
            return None
        movement = Movement(self.record.get("movement") or Movement.DEEP_SQUAT)
        threshold = settings_for(Check(code), movement, self.settings).mild
        return rep_chart(values, threshold, units, check_name(code))


@cache
def _template() -> jinja2.Template:
    """The HTML template, with every value escaped unless marked otherwise (none is)."""
    env = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    text = resources.files("screening.data").joinpath("report.html.j2").read_text("utf-8")
    return env.from_string(text)


def report_stem(record: RecordLike) -> str:
    """The file name stem of a record's report: its (first) video's name without suffix."""
    data = _as_dict(record)
    first = next(iter(data.get("sources") or {}), None) or data.get("source") or "result"
    return Path(first).stem or "result"


def write_result_report(
    record: RecordLike,
    analyses: Sequence[Analysis],
    videos: Sequence[FrameSource],
    directory: str | Path,
) -> bool:
    """`--report DIR`: write a scored video's report next to the others, named after it.

    A report that cannot be written (full disk, no permission) is one logged warning (one
    line on stderr from the CLI) and False; the scored record itself is kept, so a batch
    loses no result over a report.
    """
    stem = report_stem(record)
    try:
        build_report(record, analyses, videos).write(directory, stem)
    except ScreeningError as exc:
        log.warning("no report for %s: %s", stem, exc)
        return False
    return True


def ensure_result_report(record: RecordLike, directory: str | Path, since: float) -> None:
    """Write a report from the record alone when no worker wrote one after `since`.

    Workers write reports with key frames; a file with the same bytes as another (its
    record is a copy) or a video whose worker crashed gets its report here instead.
    """
    pdf = Path(directory) / f"{report_stem(record)}.report.pdf"
    if not pdf.exists() or pdf.stat().st_mtime < since:
        write_result_report(record, [], [], directory)
