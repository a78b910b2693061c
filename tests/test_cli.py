"""The `screening` command as a user runs it: exit codes, outputs, record schema."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import av
import pytest

from screening.pose.model_file import MODEL_ENV_VAR

from .builders import ROOT
from .media import sample_clip

RECORD_KEYS = {
    "source",
    "ok",
    "error",
    "movement",
    "view",
    "fps",
    "frames",
    "pose_detected_fraction",
    "reps",
    "findings",
    "not_assessable",
    "score",
    "route",
    "program",
    "model",
    "version",
}


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screening", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """One clip scored once, with --out and --annotate, shared by the tests below."""
    d = tmp_path_factory.mktemp("cli")
    clip, label = sample_clip()
    result = _run("score", str(clip), "--out", str(d / "r.jsonl"), "--annotate", str(d / "ann"))
    return result, clip, label, d


def test_good_video_exits_0_with_one_summary_line(scored):
    result, clip, label, _ = scored
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"ok   {clip.name}: {len(label['reps'])} rep")
    assert result.stderr.strip() == ""


def test_record_has_the_spec_fields_with_real_values(scored):
    _, _, label, d = scored
    (record,) = [json.loads(x) for x in (d / "r.jsonl").read_text().splitlines()]
    assert set(record) >= RECORD_KEYS
    assert record["ok"] is True and record["error"] is None
    assert record["frames"] == label["frames"]
    assert record["fps"] == pytest.approx(label["fps"], rel=0.01)
    assert record["pose_detected_fraction"] > 0.9
    assert record["model"]["file"] == "pose_landmarker_full.task"
    assert len(record["model"]["sha256"]) == 64
    assert len(record["reps"]) == len(label["reps"])
    for rep, truth in zip(record["reps"], label["reps"], strict=True):
        assert rep["start_frame"] < rep["bottom_frame"] < rep["end_frame"]
        assert abs(rep["bottom_frame"] - truth["bottom_frame"]) <= 6
        assert 0.2 < rep["metrics"]["hip_drop_fraction"] < 0.8


def test_the_record_matches_its_published_json_schema(scored):
    """docs/record.schema.json is what the code says a record is, and a real record (this
    clip, scored by the real model) validates against it."""
    import importlib.util

    import jsonschema

    spec = importlib.util.spec_from_file_location(
        "schema_tool", ROOT / "tools" / "write_record_schema.py"
    )
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    published = (ROOT / "docs" / "record.schema.json").read_text()
    assert published == tool.schema_text(), "run python tools/write_record_schema.py"
    _, _, _, d = scored
    (record,) = [json.loads(x) for x in (d / "r.jsonl").read_text().splitlines()]
    jsonschema.validate(record, json.loads(published))
    record["findings"] = [{**f, "side": "sideways"} for f in record["findings"]] or [{}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, json.loads(published))


def test_annotate_writes_a_browser_playable_video_of_every_frame(scored):
    _, clip, label, d = scored
    out = d / "ann" / f"{clip.stem}.annotated.mp4"
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = sum(1 for _ in container.decode(stream))
    assert frames == label["frames"]
    assert out.stat().st_mode & 0o777 == 0o600  # a video of someone's body: owner only


def test_csv_output_has_a_header_and_one_row(tmp_path):
    clip, label = sample_clip()
    out = tmp_path / "r.csv"
    assert _run("score", str(clip), "--out", str(out)).returncode == 0
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 1
    assert rows[0]["ok"] == "True" and int(rows[0]["reps"]) == len(label["reps"])


@pytest.mark.parametrize(
    "args",
    [
        ["score"],
        ["score", "x.mp4", "--movement", "handstand"],
        ["score", "x.mp4", "--workers", "0"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(args):
    result = _run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_wrong_output_suffix_is_a_usage_error(tmp_path):
    clip, _ = sample_clip()
    result = _run("score", str(clip), "--out", str(tmp_path / "r.txt"))
    assert result.returncode == 2
    assert "--out must end in .jsonl or .csv" in result.stderr


def test_missing_model_is_one_clear_line_and_exit_2(tmp_path):
    clip, _ = sample_clip()
    result = _run("score", str(clip), "--model", str(tmp_path / "none.task"))
    assert result.returncode == 2
    assert result.stderr.strip().startswith("screening: error: pose model not found")
    assert len(result.stderr.strip().splitlines()) == 1


def test_model_from_environment_variable_is_used(tmp_path):
    import os

    clip, _ = sample_clip()
    env = {**os.environ, MODEL_ENV_VAR: str(tmp_path / "elsewhere.task")}
    result = _run("score", str(clip), env=env)
    assert result.returncode == 2 and "elsewhere.task" in result.stderr


def test_help_describes_the_commands():
    result = _run("--help")
    assert result.returncode == 0
    assert "score" in result.stdout and "app" in result.stdout
