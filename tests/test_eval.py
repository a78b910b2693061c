"""`screening eval` on a few labelled sample clips, as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from .builders import SAMPLES
from .media import sample_labels

CLIPS = [
    "deep_squat__side_right__forward_lean.mp4",
    "lunge__front__clean.mp4",
    "overhead_squat__front__asymmetric_shift.mp4",
]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screening", "eval", *args],
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_eval_reports_known_answers_on_three_clips(tmp_path):
    labels = sample_labels()
    for name in CLIPS:
        (tmp_path / name).symlink_to(SAMPLES / name)
        truth = name.replace(".mp4", ".truth.npz")
        (tmp_path / truth).symlink_to(SAMPLES / truth)
    (tmp_path / "labels.json").write_text(json.dumps({"clips": {n: labels[n] for n in CLIPS}}))
    result = _run(str(tmp_path), "--json", "--workers", "2")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["scored"] == 3
    assert report["view_accuracy"] == report["movement_accuracy"] == 1.0
    assert report["rep_count_accuracy"] == 1.0
    assert report["clean_clips"] == 1 and report["false_findings_on_clean"] == 0
    assert report["mean_lower_body_error_px"] < 15
    checks = {c["code"]: c for c in report["checks"]}
    assert checks["forward_lean"]["tp"] == 1 and checks["forward_lean"]["clips"] == 1
    assert checks["asymmetric_shift"]["tp"] == 1 and checks["asymmetric_shift"]["fp"] == 0
    assert checks["heel_lift"]["clips"] == 1  # only the side clip can see heels
    text = _run(str(tmp_path)).stdout
    assert "forward_lean" in text and "view accuracy" in text


def test_eval_with_an_unusable_cache_folder_is_one_usage_error(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    result = _run(str(SAMPLES), "--cache", str(blocker / "cache"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "--cache" in result.stderr


def test_eval_without_labels_is_a_usage_error(tmp_path):
    result = _run(str(tmp_path))
    assert result.returncode == 2
    assert "no labels at" in result.stderr


def test_eval_with_a_cache_scores_again_without_the_pose_model(tmp_path, monkeypatch):
    import screening.engine.cache
    from screening.batch.evaluation import evaluate, rendered_label
    from screening.core.settings import load_settings
    from screening.pose.model_file import resolve_model

    name = "lunge__front__clean.mp4"
    labels = {name: rendered_label(sample_labels()[name])}
    model, settings, cache = resolve_model(), load_settings(), tmp_path / "cache"
    (first,) = evaluate(SAMPLES, labels, model, settings, cache_dir=str(cache))
    assert len(list(cache.glob("*.parquet"))) == 1

    def no_model(*_args, **_kwargs):
        raise AssertionError("the pose model ran although the landmarks were cached")

    monkeypatch.setattr(screening.engine.cache, "extract_pose", no_model)
    (second,) = evaluate(SAMPLES, labels, model, settings, cache_dir=str(cache))
    assert second.ok and second.found == first.found == []
    assert second.reps_found == first.reps_found == 2
