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
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from types import UnionType
from typing import IO, Any, Union, get_args, get_origin, get_type_hints

from screening import __version__
from screening.core.errors import RecordError, UsageError
from screening.io.files import private_file


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
    uncertainty: float = 0.0


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
    warnings: list[str] = field(default_factory=list)
    """Things that make this result less certain (e.g. a second person in the picture)."""
    video_sha256: str = ""
    """SHA-256 of the video file's bytes (batch scoring): `--resume` matches on it."""
    borderline: list[FindingRecord] = field(default_factory=list)
    """Checks too close to their threshold to call either way (value within its
    uncertainty): shown as borderline, they change neither the score nor the route."""

    def to_dict(self) -> dict[str, Any]:
        return _finite(asdict(self))

    @classmethod
    def from_dict(cls, data: Any) -> ScreeningRecord:
        """Rebuild a record from `to_dict` output (a line of a .jsonl file, a stored result).

        Fields a newer version added are ignored and missing ones take their defaults, so
        old and new files both load; a field of the wrong type is refused, naming it,
        because a record read back feeds reports, the clinic store and resumed batches.
        """
        return _from_dict(cls, data, "record")

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


def _from_dict(cls: type, data: Any, where: str) -> Any:
    """Build dataclass `cls` from a JSON object, checking each field against its type."""
    if not isinstance(data, dict):
        raise RecordError(f"{where} must be a JSON object, not {_json_type(data)}")
    hints = get_type_hints(cls)
    kwargs = {}
    for f in fields(cls):
        if f.name in data:
            kwargs[f.name] = _typed(data[f.name], hints[f.name], f"{where}.{f.name}")
        elif f.default is MISSING and f.default_factory is MISSING:
            raise RecordError(f"{where} has no '{f.name}'")
    return cls(**kwargs)


def _typed(value: Any, hint: Any, where: str) -> Any:
    """`value` checked against a field's type hint (the few kinds records use)."""
    origin, args = get_origin(hint), get_args(hint)
    if hint is Any:
        return value
    if origin in (Union, UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _typed(value, inner, where)
    if hint is float and (value is None or _is_number(value)):
        return math.nan if value is None else float(value)  # to_dict writes NaN as null
    if hint is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if hint in (str, bool) and isinstance(value, hint):
        return value
    if origin is list and isinstance(value, list):
        return [_typed(v, args[0], f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict and isinstance(value, dict):
        return {k: _typed(v, args[1], f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(hint, type) and is_dataclass(hint):
        return _from_dict(hint, value, where)
    raise RecordError(f"{where} must be {_expected(hint)}, not {_json_type(value)}")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _expected(hint: Any) -> str:
    names = {str: "text", bool: "true or false", int: "a whole number", float: "a number"}
    if hint in names:
        return names[hint]
    origin = get_origin(hint)
    return "a list" if origin is list else "an object" if origin is dict else hint.__name__


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


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
