"""The result record (SPEC section 7) and the writers that stream records to a file.

One record per video. Field names are a public format: add fields, never rename them.
Records are written as each video finishes, and flushed, so a batch that is interrupted
keeps everything already scored.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import asdict, field
from pathlib import Path
from typing import IO, Any

from pydantic import TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass

from screening import __version__
from screening.checks.base import Finding
from screening.core.codes import Route
from screening.core.errors import RecordError, UsageError
from screening.core.measure import Measure
from screening.core.results import ClipContext, Program, Score
from screening.core.validation import first_error
from screening.io.files import private_file


@dataclass
class RepRecord:
    index: int
    start_frame: int
    bottom_frame: int
    end_frame: int
    metrics: dict[str, Measure] = field(default_factory=dict)


@dataclass
class ScreeningRecord:
    """Everything the screen says about one video.

    A validated dataclass (pydantic): the findings are the checks' own `Finding`s, and a
    record read back from a file or the database is checked field by field against these
    types. Its JSON Schema is `docs/record.schema.json` (`record_schema()`).
    """

    source: str
    ok: bool = False
    error: str | None = None
    movement: str | None = None
    view: str | None = None
    fps: Measure = 0.0
    frames: int = 0
    pose_detected_fraction: Measure = 0.0
    duration_s: Measure = 0.0
    reps: list[RepRecord] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    not_assessable: list[str] = field(default_factory=list)
    score: Score = field(default_factory=lambda: Score(fms=None, criteria={}))
    route: Route | None = None
    program: Program | None = None
    model: dict[str, str] = field(default_factory=dict)
    version: str = __version__
    # Added fields (SPEC allows additions): why the route, what to film next, context.
    not_assessable_reasons: dict[str, str] = field(default_factory=dict)
    route_reasons: list[str] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)
    suggested_retakes: list[str] = field(default_factory=list)
    pain: dict[str, Measure] = field(default_factory=dict)
    context: ClipContext = field(default_factory=lambda: ClipContext())
    sources: dict[str, str] = field(default_factory=dict)
    """For a combined assessment: each clip and the view it was filmed from."""
    warnings: list[str] = field(default_factory=list)
    """Things that make this result less certain (e.g. a second person in the picture)."""
    video_sha256: str = ""
    """SHA-256 of the video file's bytes (batch scoring): `--resume` matches on it."""
    borderline: list[Finding] = field(default_factory=list)
    """Checks too close to their threshold to call either way (value within its
    uncertainty): shown as borderline, they change neither the score nor the route."""

    def to_dict(self) -> dict[str, Any]:
        return _finite(asdict(self))

    @classmethod
    def from_dict(cls, data: Any) -> ScreeningRecord:
        """Rebuild a record from `to_dict` output (a line of a .jsonl file, a stored result).

        Fields a newer version added are ignored and missing ones take their defaults, so
        old and new files both load; a field of the wrong type is refused in one line,
        naming it, because a record read back feeds reports, the clinic store and resumed
        batches.
        """
        try:
            return _RECORD.validate_python(data)
        except ValidationError as exc:
            raise RecordError(first_error(exc, _where, _JSON_WORDS)) from None

    def summary_line(self) -> str:
        """One line for the terminal: what a user scanning a batch wants to see."""
        name = (
            " + ".join(Path(p).name for p in self.sources)
            if self.sources
            else Path(self.source).name
        )
        if not self.ok:
            return _one_line(f"FAIL {self.source}: {self.error}")
        parts = [
            f"ok   {name}:",
            f"{len(self.reps)} rep{'s' if len(self.reps) != 1 else ''}",
            f"pose {self.pose_detected_fraction:.0%}",
            f"{self.frames} frames",
        ]
        if self.movement:
            parts.append(self.movement)
        if self.view:
            parts.append(f"{self.view} view")
        if self.findings:
            parts.append("findings: " + ", ".join(sorted({f.code for f in self.findings})))
        if self.borderline:
            parts.append("borderline: " + ", ".join(sorted({f.code for f in self.borderline})))
        if self.route:
            parts.append(f"route {self.route}")
        parts += [f"(warning: {w.split(':')[0]})" for w in self.warnings]
        return _one_line(" ".join(parts))


def _one_line(text: str) -> str:
    """Text safe for one terminal line: a file name's line breaks or terminal escape codes
    are shown as escapes (\\n, \\x1b), so they cannot split or repaint the output."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _finite(value: Any) -> Any:
    """Replace NaN/inf by None: JSON has no NaN, and a missing measure is not a number."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


_RECORD = TypeAdapter(ScreeningRecord)

_JSON_WORDS = {kind: "a JSON object" for kind in ("dataclass_type", "dataclass_exact_type")}


def record_schema() -> dict[str, Any]:
    """The JSON Schema of a record as the tool writes it (`docs/record.schema.json`)."""
    return _RECORD.json_schema()


def _where(loc: tuple[int | str, ...]) -> str:
    """`record.reps[0].metrics['x y']` from pydantic's location of a field."""
    parts = ["record"]
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part.isidentifier():
            parts.append(f".{part}")
        else:
            parts.append(f"[{part!r}]")
    return "".join(parts)


def read_records(path: str | Path) -> Iterator[ScreeningRecord]:
    """The records of a .jsonl file written by `RecordWriter`, in order.

    A last line cut short by a killed run (no newline at its end) is skipped, as `--resume`
    does; any other line that is not a record is an error naming the file and line.
    """
    path = Path(path)
    if path.suffix.lower() == ".csv":
        raise RecordError(
            f"{path.name}: a .csv holds a summary only; read records back from a .jsonl file"
        )
    try:
        with path.open(encoding="utf-8") as fh:
            lines = fh.readlines()
    except OSError as exc:
        raise RecordError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise RecordError(f"{path.name} is not a record file (not UTF-8 text)") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        torn = number == len(lines) and not line.endswith("\n")
        try:
            data = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            if torn:
                return
            raise RecordError(
                f"{path.name} line {number} is not JSON "
                f"({getattr(exc, 'msg', 'nested too deeply')})"
            ) from None
        try:
            yield ScreeningRecord.from_dict(data)
        except RecordError as exc:
            raise RecordError(f"{path.name} line {number}: {exc}") from None


CSV_COLUMNS = (
    "source",
    "ok",
    "error",
    "movement",
    "view",
    "fps",
    "frames",
    "pose_detected_fraction",
    "duration_s",
    "reps",
    "findings",
    "not_assessable",
    "fms",
    "route",
    "program",
    "model_file",
    "model_sha256",
    "version",
    "video_sha256",
    "borderline",
)


def csv_row(record: dict[str, Any]) -> dict[str, Any]:
    """Flatten a record for a spreadsheet: nested lists become short `;`-joined text."""
    return {
        "source": record["source"],
        "ok": record["ok"],
        "error": record["error"] or "",
        "movement": record["movement"] or "",
        "view": record["view"] or "",
        "fps": record["fps"],
        "frames": record["frames"],
        "pose_detected_fraction": record["pose_detected_fraction"],
        "duration_s": record["duration_s"],
        "reps": len(record["reps"]),
        "findings": ";".join(
            f"{f['code']}:{f['side']}:{f['severity']}" for f in record["findings"]
        ),
        "not_assessable": ";".join(record["not_assessable"]),
        "fms": "" if record["score"].get("fms") is None else record["score"]["fms"],
        "route": record["route"] or "",
        "program": (record["program"] or {}).get("id", ""),
        "model_file": record["model"].get("file", ""),
        "model_sha256": record["model"].get("sha256", ""),
        "version": record["version"],
        "video_sha256": record.get("video_sha256", ""),
        "borderline": ";".join(f"{f['code']}:{f['side']}" for f in record.get("borderline", [])),
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
        fresh = not (append and self.path.exists() and self.path.stat().st_size > 0)
        private_file(self.path)  # results are health data: owner-only (0600), like exports
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
