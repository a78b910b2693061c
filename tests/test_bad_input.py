"""Every bad input gives ok: false with a clear one-line error, and the batch goes on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .media import (
    faststart_copy,
    no_person_video,
    read_frames,
    sample_clip,
    truncated_copy,
    write_frames,
)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screening", *args], capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """name -> (file, phrase its error must contain)."""
    d = tmp_path_factory.mktemp("bad")
    good, _ = sample_clip()
    text = d / "notes.mp4"
    text.write_text("this is a shopping list, not a video\n")
    empty = d / "empty.mp4"
    empty.write_bytes(b"")
    fast = faststart_copy(good, d / "faststart.mp4")
    one = write_frames(d / "one_frame.mp4", read_frames(good, limit=1))
    # The bottom fifth cropped away: the feet are out of the picture for the whole video.
    no_feet = write_frames(
        d / "feet_cut_off.mp4", [f[: f.shape[0] * 4 // 5] for f in read_frames(good)]
    )
    return {
        "missing": (d / "does_not_exist.mp4", "file not found"),
        "text": (text, "not a video"),
        "empty": (empty, "empty (0 bytes)"),
        "truncated_index_at_end": (truncated_copy(good, d / "cut_end.mp4"), "truncated"),
        "truncated_index_at_start": (truncated_copy(fast, d / "cut_start.mp4"), "truncated"),
        "no_person": (no_person_video(d / "no_person.mp4"), "no person found"),
        "one_frame": (one, "too short"),
        "feet_cut_off": (no_feet, "the person is cut off: the feet are outside the picture"),
    }


def test_each_bad_input_fails_alone_and_the_batch_goes_on(bad_inputs, tmp_path):
    good, label = sample_clip()
    out = tmp_path / "records.jsonl"
    files = [str(p) for p, _ in bad_inputs.values()]
    result = _run("score", files[0], str(good), *files[1:], "--out", str(out))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    records = {Path(r["source"]).name: r for r in map(json.loads, out.read_text().splitlines())}
    assert len(records) == len(bad_inputs) + 1
    assert records[good.name]["ok"] is True
    assert len(records[good.name]["reps"]) == len(label["reps"])
    stderr_lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    for name, (path, phrase) in bad_inputs.items():
        record = records[path.name]
        assert record["ok"] is False, name
        assert phrase in record["error"], (name, record["error"])
        assert "\n" not in record["error"]
        mentions = [ln for ln in stderr_lines if path.name in ln]
        assert len(mentions) == 1, (name, result.stderr)
        assert phrase in mentions[0]
    assert len(stderr_lines) == len(bad_inputs), result.stderr
    assert result.stdout.count("\n") == 1 and good.name in result.stdout


def test_folder_with_no_videos_is_a_usage_error(tmp_path):
    result = _run("score", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == "screening: error: no videos found in the given folder(s)"
