"""Fuzzing the three places outside data comes in: videos, settings files and result files.

Hypothesis drives each loader with damaged or generated input, a bounded number of
examples each (FUZZ_EXAMPLES; under a minute in all on two busy cores), and checks that the
only way a loader says no is its own one-line error: InputError, SettingsError, RecordError.
"""

from __future__ import annotations

import atexit
import json
import math
import re
import shutil
import tempfile
from dataclasses import fields
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from screening.checks.base import Finding
from screening.core.codes import Check, Route, Severity, Side
from screening.core.errors import InputError, RecordError, SettingsError
from screening.core.settings import CHECK_SECTIONS, load_settings
from screening.io.record import RepRecord, ScreeningRecord, read_records
from screening.io.video import VideoFileSource

from .media import faststart_copy, fault_clip, read_frames, write_frames

FUZZ_EXAMPLES = 120
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""Bounded and repeatable in CI: the same examples every run, no flaky time limits."""
FUZZ_VIDEO = settings(FUZZ, max_examples=4 * FUZZ_EXAMPLES)
"""Decoding a 20 kB clip takes milliseconds: the reader gets more examples."""

_WORK = Path(tempfile.mkdtemp(prefix="screening-fuzz-"))
atexit.register(shutil.rmtree, _WORK, ignore_errors=True)


@cache
def small_clip() -> bytes:
    """A real clip cut down to 24 frames of 128 x 96 (about 20 kB): quick to decode often.

    Its index comes first (as in phone and web videos), so edits to the frames leave the
    index readable and reach the decoder.
    """
    frames = [
        cv2.resize(f, (128, 96), interpolation=cv2.INTER_AREA)
        for f in read_frames(fault_clip("knee_valgus")[0], limit=24)
    ]
    plain = write_frames(_WORK / "plain.mp4", frames)
    return faststart_copy(plain, _WORK / "small.mp4").read_bytes()


def _read_all(data: bytes) -> int:
    """Decode every frame the reader gives; InputError is the only allowed refusal."""
    path = _WORK / "fuzzed.mp4"
    path.write_bytes(data)
    try:
        with VideoFileSource(path) as source:
            count = 0
            for frame in source:
                assert frame.rgb.ndim == 3 and frame.rgb.shape[2] == 3
                assert math.isfinite(frame.timestamp_s)
                count += 1
            return count
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
        return -1


@st.composite
def mutated_clip(draw: st.DrawFn) -> bytes:
    """The small clip with bytes overwritten, ranges cut out or copied, maybe its end cut off.

    Edits land in the first 2 kB (the file type and the index), in the last 2 kB or
    anywhere, so both the demuxer and the decoder see damaged input.
    """
    data = bytearray(small_clip())
    n = len(data)
    where = st.one_of(st.integers(0, 2048), st.integers(n - 2048, n - 1), st.integers(0, n - 1))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["overwrite", "overwrite", "delete", "duplicate"]))
        at = draw(where)
        if kind == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=16))
            data[at : at + len(chunk)] = chunk
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 64))]
    if draw(st.integers(0, 9)) == 0:
        del data[max(draw(where), 1) :]
    return bytes(data)


@FUZZ_VIDEO
@given(mutated_clip())
def test_reader_survives_a_damaged_clip(data):
    _read_all(data)


def test_the_undamaged_clip_reads_whole():
    assert _read_all(small_clip()) == 24


SIGNATURES = [
    b"\x00\x00\x00\x18ftypisom",
    b"\x1a\x45\xdf\xa3",
    b"RIFF\x00\x00\x00\x00AVI ",
    b"GIF89a",
    b"YUV4MPEG2 ",
    b"FLV\x01",
    b"OggS",
    b"\x00\x00\x01\xba",
    b"\x30\x26\xb2\x75\x8e\x66\xcf\x11",
]


@FUZZ_VIDEO
@given(st.sampled_from(SIGNATURES), st.binary(max_size=4096))
@example(b"YUV4MPEG2 ", b"W99999 H99999 F30:1\nFRAME\n")
@example(b"GIF89a", b"\xff\xff\xff\xff\xf7\x00\x00")
def test_reader_survives_noise_behind_a_container_signature(signature, noise):
    _read_all(signature + noise)


# --- settings -----------------------------------------------------------------------------

DEFAULTS = load_settings()
SECTIONS = {f.name: getattr(DEFAULTS, f.name) for f in fields(DEFAULTS) if f.name != "checks"}
KNOWN_KEYS = [(name, f.name) for name, section in SECTIONS.items() for f in fields(section)]
KNOWN_KEYS += [
    (f"checks.{code}", k)
    for code in CHECK_SECTIONS
    for k in ("mild", "moderate", "severe", "min_visibility")
]

toml_values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**30), 10**30),
    st.booleans(),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
    st.lists(st.integers(), max_size=3),
)


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, except that TOML also escapes DEL."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_value(value) -> str:
    """A Python value as TOML (enough for what `toml_values` makes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value > 0 else "-inf")
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(map(_toml_value, value)) + "]"
    return str(value)


def _limits(section) -> dict[str, tuple[float | None, float | None]]:
    """Each key's declared range, read from the section's JSON Schema (what pydantic enforces)."""
    properties = TypeAdapter(type(section)).json_schema()["properties"]
    return {k: (p.get("minimum"), p.get("maximum")) for k, p in properties.items()}


def test_every_setting_declares_its_range():
    """Without declared ranges the fuzz tests below could not tell a wrong value loaded."""
    for section in [*(getattr(DEFAULTS, n) for n in SECTIONS), *DEFAULTS.checks.values()]:
        limits = _limits(section)
        assert set(limits) == {f.name for f in fields(section)}
        ranged = [k for k, (lo, hi) in limits.items() if lo is not None and hi is not None]
        assert len(ranged) >= len(limits) - 3, type(section).__name__


def _check_loaded(s) -> None:
    """Whatever loads is finite and inside the ranges the dataclasses declare."""
    for section in [*(getattr(s, n) for n in SECTIONS), *s.checks.values()]:
        for name, (lo, hi) in _limits(section).items():
            value = getattr(section, name)
            assert math.isfinite(value), name
            assert (lo is None or value >= lo) and (hi is None or value <= hi), name


@FUZZ
@given(st.sampled_from(KNOWN_KEYS), toml_values)
def test_any_value_for_a_known_key_loads_in_range_or_is_named(key, value):
    section, name = key
    path = _WORK / "one.toml"
    path.write_text(f"[{section}]\n{name} = {_toml_value(value)}\n", "utf-8")
    try:
        _check_loaded(load_settings(path))
    except SettingsError as exc:
        message = str(exc)
        assert "\n" not in message
        assert name in message or "mild <= moderate <= severe" in message, message


keys = st.one_of(st.sampled_from([k for _, k in KNOWN_KEYS]), st.text(min_size=1, max_size=12))
tables = st.dictionaries(keys, toml_values, max_size=4)
section_names = st.one_of(
    st.sampled_from(list(SECTIONS) + [f"checks.{c}" for c in CHECK_SECTIONS]),
    st.text(min_size=1, max_size=12),
)


@FUZZ
@given(st.dictionaries(section_names, tables, max_size=4))
def test_generated_settings_files_load_in_range_or_fail_in_one_line(doc):
    text = "".join(
        (f"[{name}]\n" if name.startswith("checks.") else f"[{_toml_string(name)}]\n")
        + "".join(f"{_toml_string(k)} = {_toml_value(v)}\n" for k, v in table.items())
        for name, table in doc.items()
    )
    path = _WORK / "doc.toml"
    path.write_text(text, "utf-8", errors="surrogatepass")
    try:
        _check_loaded(load_settings(path))
    except SettingsError as exc:
        assert str(exc) and "\n" not in str(exc)


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_as_a_settings_file_fail_in_one_line_or_load(data):
    path = _WORK / "bytes.toml"
    path.write_bytes(data)
    try:
        _check_loaded(load_settings(path))
    except SettingsError as exc:
        assert str(exc) and "\n" not in str(exc)


# --- result records -------------------------------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False, width=32)
short = st.text(max_size=12)
reps = st.builds(
    RepRecord,
    index=st.integers(0, 9),
    start_frame=st.integers(0, 10**6),
    bottom_frame=st.integers(0, 10**6),
    end_frame=st.integers(0, 10**6),
    metrics=st.dictionaries(short, finite, max_size=3),
)
findings = st.builds(
    Finding,
    code=st.sampled_from(Check),
    side=st.sampled_from(Side),
    severity=st.sampled_from(Severity),
    confidence=finite,
    value=finite,
    units=short,
    rep=st.none() | st.integers(0, 9),
    frames=st.lists(st.integers(0, 10**6), max_size=3),
)
records = st.builds(
    ScreeningRecord,
    source=st.text(max_size=30),
    ok=st.booleans(),
    error=st.none() | st.text(max_size=30),
    movement=st.none() | short,
    fps=finite,
    frames=st.integers(0, 10**6),
    reps=st.lists(reps, max_size=3),
    findings=st.lists(findings, max_size=3),
    not_assessable=st.lists(short, max_size=3),
    score=st.fixed_dictionaries(
        {"fms": st.none() | st.integers(0, 3), "criteria": st.dictionaries(short, st.booleans())}
    ),
    route=st.none() | st.sampled_from(Route),
    pain=st.dictionaries(short, finite, max_size=2),
    video_sha256=st.text("0123456789abcdef", min_size=64, max_size=64),
)


@FUZZ
@given(st.lists(records, min_size=1, max_size=4))
def test_records_read_back_exactly_as_written(written):
    from screening.io.record import RecordWriter

    path = _WORK / "records.jsonl"
    with RecordWriter(path) as writer:
        writer.write_all(written)
    back = list(read_records(path))
    assert [r.to_dict() for r in back] == [r.to_dict() for r in written]


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
record_like = st.fixed_dictionaries(
    {"source": json_values},
    optional={
        name: json_values
        for name in ("ok", "error", "fps", "frames", "reps", "findings", "score", "pain", "program")
    },
)


@FUZZ
@given(st.one_of(record_like, json_values))
def test_any_json_is_a_record_or_a_record_error_naming_the_field(data):
    try:
        record = ScreeningRecord.from_dict(data)
    except RecordError as exc:
        message = str(exc)
        assert message.startswith("record") and "\n" not in message
        return
    assert isinstance(record.source, str)
    json.dumps(record.to_dict())  # what loads can be written again


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"source": "a.mp4", "ok": true}\n{"source": 3}\n', "line 2: record.source must be text"),
        ('{"source": "a.mp4"}\nnot json\n{"source": "b.mp4"}\n', "line 2 is not JSON"),
        ('{"source": "a.mp4", "reps": [{"index": 0}]}\n', "record.reps[0] has no 'start_frame'"),
        ("[1, 2]\n", "line 1: record must be a JSON object, not a list"),
        (
            '{"source": "a.mp4", "findings": [{"code": "heel_lift", "side": "sideways", '
            '"severity": "mild", "confidence": 1, "value": 3, "units": "cm", "rep": 0, '
            '"frames": [4]}]}\n',
            "line 1: record.findings[0].side: must be 'left', 'right', 'both' or 'none'",
        ),
        (
            '{"source": "a.mp4", "borderline": [{"code": "knee_caving"}]}\n',
            "line 1: record.borderline[0].code: must be 'heel_lift'",
        ),
    ],
)
def test_bad_record_files_name_the_line_and_field(tmp_path, content, message):
    path = tmp_path / "results.jsonl"
    path.write_text(content)
    with pytest.raises(RecordError, match=re.escape(message)):
        list(read_records(path))


def test_a_last_line_torn_by_a_kill_is_skipped(tmp_path):
    path = tmp_path / "results.jsonl"
    path.write_text('{"source": "a.mp4", "ok": true}\n{"source": "b.mp4", "ok": tr')
    assert [r.source for r in read_records(path)] == ["a.mp4"]


def test_csv_results_cannot_be_read_back_as_records(tmp_path):
    with pytest.raises(RecordError, match=r"a \.csv holds a summary only"):
        list(read_records(tmp_path / "results.csv"))


def test_nan_measures_survive_the_round_trip():
    record = ScreeningRecord(source="a.mp4", reps=[RepRecord(0, 1, 2, 3, {"x": float("nan")})])
    back = ScreeningRecord.from_dict(json.loads(json.dumps(record.to_dict())))
    assert np.isnan(back.reps[0].metrics["x"])


def test_result_files_are_readable_by_their_owner_only(tmp_path):
    """--out files hold health data: created 0600 in a 0700 folder whatever the umask."""
    import os

    from screening.io.record import RecordWriter

    old = os.umask(0o022)
    try:
        path = tmp_path / "new" / "results.jsonl"
        with RecordWriter(path) as writer:
            writer.write(ScreeningRecord(source="a.mp4"))
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert [r.source for r in read_records(path)] == ["a.mp4"]
