"""--cluster: the same batch on a Dask LocalCluster gives the same records as local runs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from screening.batch.cluster import CRASHED_ON_CLUSTER, run_cluster
from screening.batch.runner import Job, ScoreOptions, hash_jobs, run_here, score_unique
from screening.core.settings import load_settings
from screening.pose.model_file import resolve_model

from .batch_clips import distinct_clips, read_jsonl
from .test_batch import misbehaving_work

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    ) as local:
        yield local


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("videos")
    clips = distinct_clips(folder, 3)
    os.link(clips[0], folder / "twin_of_clip_00.mp4")
    return folder


@pytest.fixture(scope="module")
def local_records(folder):
    """The records of a plain one-process run: what the cluster must reproduce."""
    jobs = hash_jobs(sorted(folder.glob("*.mp4")))
    options = ScoreOptions(model=resolve_model(), settings=load_settings())
    return {r.source: r.to_dict() for r in score_unique(jobs, lambda u: run_here(u, options))}


def test_cluster_records_are_identical_to_local_ones(cluster, folder, local_records):
    jobs = hash_jobs(sorted(folder.glob("*.mp4")))
    options = ScoreOptions(model=resolve_model(), settings=load_settings())
    on_cluster = {
        r.source: r.to_dict()
        for r in score_unique(jobs, lambda u: run_cluster(u, options, cluster.scheduler_address))
    }
    assert on_cluster == local_records
    assert len(on_cluster) == 4 and all(r["ok"] for r in on_cluster.values())


def test_score_cluster_from_the_command_line(cluster, folder, local_records, tmp_path):
    out = tmp_path / "results.jsonl"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "screening",
            "score",
            str(folder),
            "--cluster",
            cluster.scheduler_address,
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert {r["source"]: r for r in read_jsonl(out)} == local_records
    assert len(result.stdout.splitlines()) == 4


def test_an_unusable_scheduler_address_is_one_clear_line(folder):
    result = subprocess.run(
        [sys.executable, "-m", "screening", "score", str(folder), "--cluster", "bogus://nowhere"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(
        "screening: error: --cluster bogus://nowhere: cannot "
        "reach the Dask scheduler (unknown address scheme"
    )
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_video_that_kills_cluster_workers_is_reported_and_the_rest_go_on(tmp_path):
    import dask
    from distributed import LocalCluster

    # The scheduler gives up on a task at once when its worker dies (run_cluster then
    # retries it once), and hands each worker one task at a time, so only the culprit is
    # blamed.
    with (
        dask.config.set(
            {
                "distributed.scheduler.allowed-failures": 0,
                "distributed.scheduler.worker-saturation": 1.0,
            }
        ),
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as local,
    ):
        names = ["ok0", "crash1", "ok2", "boom3"]
        jobs = [Job(str(tmp_path / n), f"h{i}") for i, n in enumerate(names)]
        options = ScoreOptions(model=resolve_model(), settings=load_settings())
        records = {
            r.source: r
            for r in run_cluster(jobs, options, local.scheduler_address, misbehaving_work)
        }
    records = {k.rsplit("/", 1)[-1]: r for k, r in records.items()}
    assert sorted(records) == sorted(names)
    assert not records["crash1"].ok and records["crash1"].error == CRASHED_ON_CLUSTER
    assert records["boom3"].error == (
        "unexpected error while scoring (RuntimeError: decoder exploded)"
    )
    assert records["ok0"].ok and records["ok2"].ok
