"""Batch scoring: resume by content, twins, crashed workers, 1 vs 2 workers, kill and resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from screening.batch.runner import (
    CRASHED_TWICE,
    Job,
    ScoreOptions,
    hash_jobs,
    recorded,
    run_here,
    run_pool,
    score_unique,
    still_to_do,
)
from screening.core.errors import UsageError
from screening.io.record import RecordWriter, ScreeningRecord
from screening.pose.model_file import resolve_model, sha256_of

from .batch_clips import distinct_clips, fast_settings, read_jsonl

# --- which videos a resumed run still has to score -----------------------------------


def test_resume_matches_records_by_name_then_by_content():
    jobs = [Job("a.mp4", "h1"), Job("b.mp4", "h2"), Job("c.mp4", "h3")]
    # b was scored when the folder had another name: its bytes say it is done.
    done = [("a.mp4", "h1"), ("/old/folder/b.mp4", "h2")]
    assert still_to_do(jobs, done) == [Job("c.mp4", "h3")]


def test_resume_gives_a_second_copy_of_a_video_its_own_record():
    twins = [Job("a.mp4", "same"), Job("b.mp4", "same")]
    assert still_to_do(twins, [("a.mp4", "same")]) == [Job("b.mp4", "same")]
    assert still_to_do(twins, [("b.mp4", "same")]) == [Job("a.mp4", "same")]
    assert still_to_do(twins, [("a.mp4", "same"), ("b.mp4", "same")]) == []


def test_resume_does_not_retry_an_unreadable_file_already_reported():
    jobs = [Job("gone.mp4", ""), Job("new.mp4", "")]
    assert still_to_do(jobs, [("gone.mp4", "")]) == [Job("new.mp4", "")]


def test_recorded_cuts_a_half_written_last_line(tmp_path):
    out = tmp_path / "out.jsonl"
    full = [json.dumps({"source": f"v{i}.mp4", "video_sha256": f"h{i}"}) for i in range(2)]
    out.write_text("\n".join(full) + '\n{"source": "v2.mp4", "vid', "utf-8")
    assert recorded(out) == [("v0.mp4", "h0"), ("v1.mp4", "h1")]
    with RecordWriter(out, append=True) as writer:
        writer.write(ScreeningRecord(source="v2.mp4", video_sha256="h2"))
    assert [r["source"] for r in read_jsonl(out)] == ["v0.mp4", "v1.mp4", "v2.mp4"]


def test_recorded_reads_csv_and_refuses_other_files(tmp_path):
    out = tmp_path / "out.csv"
    with RecordWriter(out) as writer:
        writer.write(ScreeningRecord(source="a.mp4", video_sha256="h1"))
    with RecordWriter(out, append=True) as writer:
        writer.write(ScreeningRecord(source="b.mp4", video_sha256="h2"))
    assert recorded(out) == [("a.mp4", "h1"), ("b.mp4", "h2")]
    notes = tmp_path / "notes.jsonl"
    notes.write_text("shopping list\n", "utf-8")
    with pytest.raises(UsageError, match="not a JSON-lines record file"):
        recorded(notes)


def test_same_bytes_are_scored_once_and_both_files_get_a_record():
    jobs = [Job("a.mp4", "h1"), Job("copy_of_a.mp4", "h1"), Job("b.mp4", "h2")]
    ran: list[str] = []

    def run(unique):
        for job in unique:
            ran.append(job.path)
            yield ScreeningRecord(source=job.path, ok=True, frames=7, video_sha256=job.sha256)

    records = list(score_unique(jobs, run))
    assert ran == ["a.mp4", "b.mp4"]
    assert [(r.source, r.video_sha256, r.frames) for r in records] == [
        ("a.mp4", "h1", 7),
        ("copy_of_a.mp4", "h1", 7),
        ("b.mp4", "h2", 7),
    ]


# --- workers that die ----------------------------------------------------------------


def misbehaving_work(job: Job, options: ScoreOptions) -> ScreeningRecord:
    """Stands in for score_job in worker processes: some videos kill their worker.

    crash*: SIGKILL every time (like a segfault in native code); once*: SIGKILL the first
    time only; boom*: an ordinary exception; anything else: a quick good record.
    """
    name = Path(job.path).name
    if name.startswith("crash"):
        os.kill(os.getpid(), signal.SIGKILL)
    if name.startswith("once"):
        marker = Path(job.path + ".crashed")
        if not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
    if name.startswith("boom"):
        raise RuntimeError("decoder exploded\nsecond line of detail")
    time.sleep(0.2)
    return ScreeningRecord(source=job.path, ok=True, video_sha256=job.sha256)


def test_a_killed_worker_is_retried_once_then_reported_and_the_batch_goes_on(tmp_path):
    names = ["ok0", "crash1", "ok2", "once3", "boom4", "ok5", "ok6"]
    jobs = [Job(str(tmp_path / n), f"h{i}") for i, n in enumerate(names)]
    options = ScoreOptions(model=resolve_model(), settings=None)  # unused by the stand-in
    records = {Path(r.source).name: r for r in run_pool(jobs, options, 2, misbehaving_work)}
    assert sorted(records) == sorted(names)  # one record each: nothing lost or repeated
    assert not records["crash1"].ok and records["crash1"].error == CRASHED_TWICE
    assert records["once3"].ok  # its retry, alone in a new process, worked
    assert not records["boom4"].ok
    assert (
        records["boom4"].error == "unexpected error while scoring (RuntimeError: decoder exploded)"
    )
    assert records["crash1"].video_sha256 == "h1"
    assert all(records[n].ok for n in ("ok0", "ok2", "ok5", "ok6"))


# --- the real model: one worker and two give the same records ------------------------


@pytest.mark.slow
def test_one_and_two_workers_give_identical_records(tmp_path, settings):
    clips = distinct_clips(tmp_path / "v", 3)
    twin = tmp_path / "v" / "twin_of_clip_00.mp4"
    os.link(clips[0], twin)
    jobs = hash_jobs([*clips, twin])
    options = ScoreOptions(model=resolve_model(), settings=settings)
    here = {r.source: r.to_dict() for r in score_unique(jobs, lambda u: run_here(u, options))}
    pool = {r.source: r.to_dict() for r in score_unique(jobs, lambda u: run_pool(u, options, 2))}
    assert here == pool
    assert len(here) == 4 and all(r["ok"] for r in here.values())
    assert {r["video_sha256"] for r in here.values()} == {sha256_of(c) for c in clips}
    assert here[str(twin)] == {**here[str(clips[0])], "source": str(twin)}


# --- the command line: a killed 20-video run resumes to exactly 20 records ------------


def _score(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "screening", "score", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **kwargs,
    )


@pytest.mark.slow
def test_a_killed_batch_resumes_to_exactly_one_record_per_video(tmp_path):
    clips = distinct_clips(tmp_path / "videos", 20)
    out = tmp_path / "results.jsonl"
    args = [
        str(tmp_path / "videos"),
        "--out",
        str(out),
        "--workers",
        "2",
        "--settings",
        str(fast_settings(tmp_path)),
    ]
    first = _score(*args)
    deadline = time.monotonic() + 300
    while not (out.exists() and out.read_text("utf-8").count("\n") >= 3):
        assert first.poll() is None, first.stderr.read()
        assert time.monotonic() < deadline, "the batch wrote no record in 5 minutes"
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)  # the command and its workers, mid-batch
    first.wait()
    before = out.read_text("utf-8").count("\n")
    assert 3 <= before < 20

    second = _score(*args, "--resume")
    _, err = second.communicate(timeout=600)
    assert second.returncode == 0, err
    assert f"resuming: {before} of 20 videos already have a record" in err

    records = read_jsonl(out)
    assert len(records) == 20
    assert sorted(r["source"] for r in records) == sorted(str(c) for c in clips)
    assert {r["video_sha256"] for r in records} == {sha256_of(c) for c in clips}
    assert all(r["ok"] for r in records)

    third = _score(*args, "--resume")  # nothing left: nothing scored, nothing written
    _, err = third.communicate(timeout=120)
    assert third.returncode == 0, err
    assert len(read_jsonl(out)) == 20


# --- options -------------------------------------------------------------------------


def test_resume_without_an_output_file_is_a_usage_error(capsys):
    from screening.cli import main

    assert main(["score", "clip.mp4", "--resume"]) == 2
    assert capsys.readouterr().err == (
        "screening: error: --resume continues an --out file: give --out FILE as well\n"
    )


@pytest.mark.slow
def test_frame_step_runs_the_model_on_every_other_frame(tmp_path, settings):
    from dataclasses import replace

    from screening.engine.pipeline import analyse_pose, extract_pose

    clip = distinct_clips(tmp_path, 1, frames=45)[0]
    every = replace(settings, pose=replace(settings.pose, frame_step=2))
    info, seq = extract_pose(clip, resolve_model(), every)
    assert list(seq.frame_indices) == list(range(0, 45, 2))
    assert seq.fps == pytest.approx(info.fps / 2)
    assert seq.timestamps_s[1] == pytest.approx(2 / info.fps, abs=1e-3)
    analyse_pose(info, seq, every)  # 23 of 45 frames: not mistaken for a truncated video
