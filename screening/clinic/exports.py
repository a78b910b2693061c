"""Clinic exports: a client's or all assessments as CSV or JSON, and a PDF report.

CSV is one row per result for a spreadsheet: the machine's route and findings beside the
therapist's. JSON holds everything, nested (client, assessments, clips, the machine's
records whole, every review), for another program or an archive. Files written to disk
are owner-only and atomic (see `screening.io.files`): a full disk gives one clear error
and no half-written file.

Cells that a spreadsheet would run as a formula (text starting with = + - @) are written
with a leading apostrophe, so a client name cannot become a formula in someone's Excel.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from screening.clinic.progress import mean_rep_metrics
from screening.clinic.repository import all_assessments, client_assessments, get_assessment
from screening.clinic.review import FindingSummary, reviewed_record, reviewed_result
from screening.clinic.tables import Assessment, Clip, Result, Review
from screening.io.files import write_private_atomic

Format = Literal["csv", "json"]
EXPORT_FORMAT = 1
"""Layout of the JSON export; raise it when the layout changes."""

CSV_COLUMNS = (
    "client_id",
    "client",
    "reference",
    "assessment_id",
    "date",
    "therapist",
    "movement",
    "views",
    "fms",
    "machine_fms",
    "machine_route",
    "route",
    "reviewed",
    "machine_findings",
    "findings",
    "pain",
    "notes",
    "review_notes",
    "measures",
    "screening_version",
)


def _findings_text(findings: list[FindingSummary]) -> str:
    return "; ".join(f"{f.label}: {f.severity or '-'}" for f in findings)


def _cell(value: Any) -> Any:
    """A spreadsheet-safe cell: text that would be run as a formula gets a leading '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_rows(assessments: list[Assessment]) -> list[dict[str, Any]]:
    """One row per result of each assessment, in the order given."""
    rows = []
    for a in assessments:
        for result in a.results:
            r = reviewed_result(result)
            machine = [f for f in r.findings if f.decision != "added"]
            rows.append(
                {
                    "client_id": a.client_id,
                    "client": a.client.name,
                    "reference": a.client.reference,
                    "assessment_id": a.id,
                    "date": a.performed_on.isoformat(),
                    "therapist": a.therapist,
                    "movement": result.movement or "",
                    "views": ";".join(c.view or c.kind for c in result.clips),
                    "fms": "" if r.fms is None else r.fms,
                    "machine_fms": "" if r.machine_fms is None else r.machine_fms,
                    "machine_route": r.machine_route or "",
                    "route": r.route or "",
                    "reviewed": r.reviewed,
                    "machine_findings": _findings_text(machine),
                    "findings": _findings_text(r.kept),
                    "pain": ";".join(f"{k}={v:g}" for k, v in a.pain.items()),
                    "notes": a.notes,
                    "review_notes": r.notes,
                    "measures": ";".join(
                        f"{k}={v:g}" for k, v in mean_rep_metrics(result.record).items()
                    ),
                    "screening_version": result.screening_version,
                }
            )
    return rows


def to_csv(assessments: list[Assessment]) -> bytes:
    """CSV (UTF-8 with a byte-order mark, so spreadsheet programs read accents right)."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in csv_rows(assessments):
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue().encode("utf-8-sig")


def _clip(c: Clip) -> dict[str, Any]:
    return {
        "id": c.id,
        "kind": c.kind,
        "view": c.view,
        "file": c.file_ref,
        "result_id": c.result_id,
    }


def _review(r: Review) -> dict[str, Any]:
    return {
        "id": r.id,
        "reviewer": r.reviewer,
        "reviewed_at": r.reviewed_at.isoformat(),
        "route": r.route,
        "notes": r.notes,
        "findings": [
            {
                "code": f.code,
                "side": f.side,
                "decision": f.decision,
                "severity": f.severity,
                "note": f.note,
            }
            for f in r.findings
        ],
    }


def _result(r: Result) -> dict[str, Any]:
    return {
        "id": r.id,
        "record_format": r.record_format,
        "screening_version": r.screening_version,
        "created_at": r.created_at.isoformat(),
        "record": r.record,
        "reviews": [_review(v) for v in r.reviews],
        "reviewed_route": reviewed_result(r).route,
    }


def to_json(assessments: list[Assessment]) -> bytes:
    """Everything, nested by client: for another program or an archive."""
    clients: dict[int, dict[str, Any]] = {}
    for a in assessments:
        c = clients.setdefault(
            a.client_id,
            {
                "id": a.client_id,
                "name": a.client.name,
                "reference": a.client.reference,
                "notes": a.client.notes,
                "assessments": [],
            },
        )
        c["assessments"].append(
            {
                "id": a.id,
                "date": a.performed_on.isoformat(),
                "therapist": a.therapist,
                "pain": a.pain,
                "notes": a.notes,
                "movements": a.movements,
                "clips": [_clip(x) for x in a.clips],
                "results": [_result(r) for r in a.results],
            }
        )
    doc = {
        "export_format": EXPORT_FORMAT,
        "exported_at": datetime.now().astimezone().isoformat(),
        "clients": list(clients.values()),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def export(store: Any, fmt: Format, client_id: int | None = None) -> bytes:
    """A client's assessments (or everyone's, with client_id None) as CSV or JSON bytes."""
    assessments = (
        all_assessments(store) if client_id is None else client_assessments(store, client_id)
    )
    return to_csv(assessments) if fmt == "csv" else to_json(assessments)


def export_file_name(what: str, fmt: str, on: date | None = None) -> str:
    """A file name from a client's name (or "all-clients"): letters, digits and dashes only."""
    slug = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-")[:60] or "client"
    return f"assessments-{slug}-{(on or date.today()).isoformat()}.{fmt}"


def write_export(path: str | Path, data: bytes) -> Path:
    """Write an export owner-only and all at once (see `write_private_atomic`)."""
    return write_private_atomic(path, data)


def assessment_pdf(store: Any, assessment_id: int, clinic_name: str | None = None) -> bytes:
    """The PDF report of an assessment's first result as reviewed, with the machine's
    original beside it, the clinic's name and the therapist's notes."""
    from screening.report.document import build_report  # draws charts: imported only when asked

    a = get_assessment(store, assessment_id)
    result = a.results[0]
    review = result.latest_review
    notes = "\n\n".join(n for n in (a.notes, review.notes if review else "") if n)
    report = build_report(
        result.record,
        clinic_name=clinic_name,
        client_name=a.client.name,
        therapist_notes=notes or None,
        reviewed=reviewed_record(result.record, review) if review else None,
        date=datetime.combine(a.performed_on, datetime.min.time()),
    )
    return report.pdf_bytes()
