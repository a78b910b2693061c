"""The landmark cache: exact round trip, hits that skip the model, misses when they must."""

from __future__ import annotations

import dataclasses
import shutil

import numpy as np
import pytest

import screening.engine.cache as cache_module
from screening.batch.runner import Job, ScoreOptions, score_job
from screening.core.errors import UsageError
from screening.core.settings import load_settings
from screening.engine.cache import LandmarkCache, cache_key
from screening.engine.pipeline import extract_pose
from screening.pose.model_file import ModelInfo, resolve_model, sha256_of

from .batch_clips import distinct_clips

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return distinct_clips(tmp_path_factory.mktemp("clips"), 1)[0]


@pytest.fixture(scope="module")
def model():
    return resolve_model()


@pytest.fixture
def counted_model_runs(monkeypatch):
    """How often the cache fell through to the pose model."""
    runs = []

    def extract(*args, **kwargs):
        runs.append(args[0])
        return extract_pose(*args, **kwargs)

    monkeypatch.setattr(cache_module, "extract_pose", extract)
    return runs


def test_landmarks_come_back_exactly_as_the_model_gave_them(tmp_path, clip, model, settings):
    info, seq = extract_pose(clip, model, settings)
    seq = dataclasses.replace(seq, image=seq.image.copy())
    seq.image[3] = np.nan  # a frame without a person stays "no pose", not 0
    cache = LandmarkCache(tmp_path / "cache")
    key = cache_key(sha256_of(clip), model, settings.pose)
    cache.save(key, info, seq)
    elsewhere = tmp_path / "renamed.mp4"
    got_info, got = cache.load(key, elsewhere)
    assert seq.neck.any()  # the neck patches the shoulder check reads are kept too
    for name in (
        "image",
        "world",
        "visibility",
        "presence",
        "timestamps_s",
        "frame_indices",
        "neck",
    ):
        np.testing.assert_array_equal(getattr(got, name), getattr(seq, name), err_msg=name)
        assert getattr(got, name).dtype == getattr(seq, name).dtype
    assert (got.width, got.height, got.fps, got.max_people) == (
        seq.width,
        seq.height,
        seq.fps,
        seq.max_people,
    )
    assert got_info == dataclasses.replace(info, path=str(elsewhere))
    assert list((tmp_path / "cache").iterdir()) == [cache.path_for(key)]  # no temp left


def test_a_cached_video_scores_the_same_without_the_model(
    tmp_path, clip, model, settings, counted_model_runs
):
    options = ScoreOptions(model=model, settings=settings, cache_dir=str(tmp_path / "cache"))
    job = Job(str(clip), sha256_of(clip))
    first = score_job(job, options).to_dict()
    assert counted_model_runs == [str(clip)]
    second = score_job(job, options).to_dict()
    assert counted_model_runs == [str(clip)]  # a hit: the model did not run again
    assert first["ok"] and second == first
    plain = score_job(job, dataclasses.replace(options, cache_dir=None)).to_dict()
    assert plain == first

    renamed = tmp_path / "same_bytes_new_name.mp4"
    shutil.copy(clip, renamed)
    third = score_job(Job(str(renamed), job.sha256), options).to_dict()
    assert counted_model_runs == [str(clip)]
    assert third == {**first, "source": str(renamed)}


def test_new_thresholds_hit_new_model_or_pose_settings_miss(
    tmp_path, clip, model, settings, counted_model_runs
):
    cache = LandmarkCache(tmp_path / "cache")
    cache.extract(clip, model, settings)
    assert len(counted_model_runs) == 1

    thresholds = tmp_path / "thresholds.toml"
    thresholds.write_text("[checks.knee_valgus]\nmild = 3.0\n", "utf-8")
    cache.extract(clip, model, load_settings(thresholds))
    assert len(counted_model_runs) == 1  # checks re-run on the cached landmarks

    pose = tmp_path / "pose.toml"
    pose.write_text("[pose]\nmin_tracking_confidence = 0.6\n", "utf-8")
    cache.extract(clip, model, load_settings(pose))
    assert len(counted_model_runs) == 2

    other_model = ModelInfo(path=model.path, sha256="0" * 64)
    assert cache_key(sha256_of(clip), other_model, settings.pose) != cache_key(
        sha256_of(clip), model, settings.pose
    )
    cache.extract(clip, other_model, settings)
    assert len(counted_model_runs) == 3
    assert len(list((tmp_path / "cache").glob("*.parquet"))) == 3


def test_a_damaged_entry_is_a_miss_and_is_rewritten(
    tmp_path, clip, model, settings, counted_model_runs
):
    cache = LandmarkCache(tmp_path / "cache")
    key = cache_key(sha256_of(clip), model, settings.pose)
    cache.path_for(key).write_bytes(b"PAR1 this is not parquet")
    assert cache.load(key, clip) is None
    cache.extract(clip, model, settings)
    assert len(counted_model_runs) == 1
    assert cache.load(key, clip) is not None


def test_a_cache_folder_that_cannot_be_made_is_a_usage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    with pytest.raises(UsageError, match="cannot create the folder"):
        LandmarkCache(blocker / "cache")
