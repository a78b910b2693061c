"""The result record (SPEC section 7) and the writers that stream records to a file.

One record per video. Field names are a public format: add fields, never rename them.
Records are written as each video finishes, and flushed, so a batch that is interrupted
keeps everything already scored.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from screening import __version__
from screening.errors import UsageError


@dataclass
class RepRecord:
    index: int
    start_frame: int
    bottom_frame: int
    end_frame: int
    metrics: dict[str, float] = field(default_factory=dict)


@dataclass
class FindingRecord:
    code: str
    side: str
    severity: str
    confidence: float
    value: float
    units: str
    rep: int | None
    frames: list[int]


@dataclass
class ScreeningRecord:
    """Everything the screen says about one video."""

    source: str
    ok: bool = False
    error: str | None = None
    movement: str | None = None
    view: str | None = None
    fps: float = 0.0
    frames: int = 0
    pose_detected_fraction: float = 0.0
    duration_s: float = 0.0
    reps: list[RepRecord] = field(default_factory=list)
    findings: list[FindingRecord] = field(default_factory=list)
    not_assessable: list[str] = field(default_factory=list)
    score: dict[str, Any] = field(default_factory=lambda: {"fms": None, "criteria": {}})
    route: str | None = None
    program: dict[str, Any] | None = None
    model: dict[str, str] = field(default_factory=dict)
    version: str = __version__
    # Added fields (SPEC allows additions): why the route, what to film next, context.
    not_assessable_reasons: dict[str, str] = field(default_factory=dict)
    route_reasons: list[str] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)
    suggested_retakes: list[str] = field(default_factory=list)
    pain: dict[str, float] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    """For a combined assessment: each clip and the view it was filmed from."""
    video_sha256: str = ""
    """SHA-256 of the video file's bytes (batch scoring): `--resume` matches on it."""

    def to_dict(self) -> dict[str, Any]:
        return _finite(asdict(self))

    def summary_line(self) -> str:
        """One line for the terminal: what a user scanning a batch wants to see."""
        name = (" + ".join(Path(p).name for p in self.sources) if self.sources
                else Path(self.source).name)
        if not self.ok:
            return f"FAIL {self.source}: {self.error}"
        parts = [f"ok   {name}:", f"{len(self.reps)} rep{'s' if len(self.reps) != 1 else ''}",
                 f"pose {self.pose_detected_fraction:.0%}", f"{self.frames} frames"]
        if self.movement:
            parts.append(self.movement)
        if self.view:
            parts.append(f"{self.view} view")
        if self.findings:
            parts.append("findings: " + ", ".join(sorted({f.code for f in self.findings})))
        if self.route:
            parts.append(f"route {self.route}")
        return " ".join(parts)


def _finite(value: Any) -> Any:
    """Replace NaN/inf by None: JSON has no NaN, and a missing measure is not a number."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


CSV_COLUMNS = ("source", "ok", "error", "movement", "view", "fps", "frames",
               "pose_detected_fraction", "duration_s", "reps", "findings", "not_assessable",
               "fms", "route", "program", "model_file", "model_sha256", "version",
               "video_sha256")


def csv_row(record: dict[str, Any]) -> dict[str, Any]:
    """Flatten a record for a spreadsheet: nested lists become short `;`-joined text."""
    return {
        "source": record["source"], "ok": record["ok"], "error": record["error"] or "",
        "movement": record["movement"] or "", "view": record["view"] or "",
        "fps": record["fps"], "frames": record["frames"],
        "pose_detected_fraction": record["pose_detected_fraction"],
        "duration_s": record["duration_s"], "reps": len(record["reps"]),
        "findings": ";".join(f"{f['code']}:{f['side']}:{f['severity']}"
                             for f in record["findings"]),
        "not_assessable": ";".join(record["not_assessable"]),
        "fms": "" if record["score"].get("fms") is None else record["score"]["fms"],
        "route": record["route"] or "",
        "program": (record["program"] or {}).get("id", ""),
        "model_file": record["model"].get("file", ""),
        "model_sha256": record["model"].get("sha256", ""),
        "version": record["version"],
        "video_sha256": record.get("video_sha256", ""),
    }


class RecordWriter:
    """Write records to a .jsonl or .csv file, one per video, flushed as each arrives.

    append=True adds to an existing file (a resumed batch) instead of starting it afresh.
    """

    def __init__(self, path: str | Path, append: bool = False) -> None:
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in (".jsonl", ".json", ".csv"):
            raise UsageError(f"--out must end in .jsonl or .csv, not {suffix or 'nothing'}")
        self._csv = suffix == ".csv"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not (append and self.path.exists() and self.path.stat().st_size > 0)
        self._fh: IO[str] = self.path.open("w" if fresh else "a", encoding="utf-8", newline="")
        self._writer = csv.DictWriter(self._fh, fieldnames=CSV_COLUMNS) if self._csv else None
        if self._writer and fresh:
            self._writer.writeheader()

    def write(self, record: ScreeningRecord) -> None:
        data = record.to_dict()
        if self._writer:
            self._writer.writerow(csv_row(data))
        else:
            self._fh.write(json.dumps(data, ensure_ascii=False) + "\n")
        self._fh.flush()

    def write_all(self, records: Iterable[ScreeningRecord]) -> None:
        for record in records:
            self.write(record)

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
