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


def test_eval_db_measures_against_the_clinics_reviews(tmp_path):
    """`eval --db`: each reviewed result with a kept video is a clip labelled with what its
    therapist kept. Here a kept heel-lift clip whose review confirms the heel lift and
    removes a knee collapse the stored result claimed; a second reviewed result has no
    kept video and is left out, said in one line."""
    from datetime import date

    from screening.clinic import open_store
    from screening.clinic import repository as repo
    from screening.clinic.review import FindingDecision

    from .test_store import make_record

    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    clip = SAMPLES / "deep_squat__side_left__heel_lift.mp4"
    with open_store(url) as store:
        cid = repo.create_client(store, "Ada Lovelace")
        ref = repo.keep_clip(store, cid, clip.read_bytes())
        findings = (("heel_lift", "left", "moderate", 4.0), ("knee_valgus", "left", "mild", 9.0))
        for kept in (True, False):
            aid = repo.save_assessment(
                store,
                cid,
                make_record(findings=findings),
                clips=[repo.ClipInput("view", "side_left", ref if kept else None)],
                performed_on=date(2026, 11, 2),
            )
            (result,) = repo.get_assessment(store, aid).results
            decisions = [
                FindingDecision("heel_lift", "left", "confirmed"),
                FindingDecision("knee_valgus", "left", "removed"),
            ]
            repo.save_review(store, result.id, route="mobility", decisions=decisions)
    run = _run("--db", url, "--json")
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip() == (
        "screening: 1 reviewed result(s) left out: their video was not kept "
        "(or they combine several views)"
    )
    report = json.loads(run.stdout)
    assert report["scored"] == 1 and report["present"] == 1 and report["present_found"] == 1
    checks = {c["code"]: c for c in report["checks"]}
    assert checks["heel_lift"]["tp"] == 1
    # The knee collapse the therapist removed is labelled absent, and not found again.
    assert checks["knee_valgus"]["fp"] == 0 and checks["knee_valgus"]["tp"] == 0


def test_eval_needs_a_folder_or_a_database(tmp_path):
    run = _run()
    assert run.returncode == 2 and "--db URL" in run.stderr
    missing = tmp_path / "typo.sqlite3"
    run = _run("--db", f"sqlite:///{missing}")
    assert run.returncode == 2 and "there is no clinic database at" in run.stderr
    assert not missing.exists()  # measuring does not create an empty database
    run = _run("--db", "not a url")
    assert run.returncode == 2 and "is not a database URL" in run.stderr
    assert run.stderr.count("\n") == 1
