"""Loading the pose model: hash check, bad files, other models by option or variable."""

from __future__ import annotations

import shutil
import zipfile

import numpy as np
import pytest

from screening.core.errors import ModelError
from screening.pose.model_file import DEFAULT_MODEL_NAME, MODEL_ENV_VAR, MODELS_DIR, resolve_model

DEFAULT = MODELS_DIR / DEFAULT_MODEL_NAME


def _recorded_hash() -> str:
    return (MODELS_DIR / (DEFAULT_MODEL_NAME + ".sha256")).read_text().split()[0]


def test_bundled_model_matches_its_recorded_hash():
    info = resolve_model()
    assert info.path == DEFAULT.resolve()
    assert info.sha256 == _recorded_hash()
    assert info.as_record() == {"file": DEFAULT_MODEL_NAME, "sha256": _recorded_hash()}


def test_corrupted_copy_fails_the_hash_check(tmp_path):
    bad = tmp_path / DEFAULT_MODEL_NAME
    data = bytearray(DEFAULT.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte inside a tflite member
    bad.write_bytes(bytes(data))
    shutil.copy(MODELS_DIR / (DEFAULT_MODEL_NAME + ".sha256"), tmp_path)
    with pytest.raises(ModelError, match="does not match its recorded SHA-256"):
        resolve_model(bad)


def test_missing_model_says_where_it_looked(tmp_path):
    with pytest.raises(ModelError, match=r"pose model not found at .*nowhere\.task"):
        resolve_model(tmp_path / "nowhere.task")


def test_non_zip_file_is_not_a_task_bundle(tmp_path):
    fake = tmp_path / "model.task"
    fake.write_text("hello")
    with pytest.raises(ModelError, match=r"not a \.task bundle"):
        resolve_model(fake)


def test_zip_without_pose_models_is_rejected(tmp_path):
    fake = tmp_path / "other.task"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("hand_detector.tflite", b"x")
    with pytest.raises(ModelError, match="not a PoseLandmarker model"):
        resolve_model(fake)


def test_environment_variable_selects_another_model(tmp_path, monkeypatch):
    other = tmp_path / "my_pose.task"
    shutil.copy(DEFAULT, other)  # no .sha256 beside it: accepted, hash reported
    monkeypatch.setenv(MODEL_ENV_VAR, str(other))
    info = resolve_model()
    assert info.path == other.resolve()
    assert info.sha256 == _recorded_hash()


def test_argument_wins_over_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(MODEL_ENV_VAR, str(tmp_path / "missing.task"))
    assert resolve_model(DEFAULT).path == DEFAULT.resolve()


def test_model_loads_in_mediapipe_and_finds_no_one_in_a_blank_frame(settings):
    from screening.pose.estimator import PoseEstimator

    with PoseEstimator(resolve_model(), settings.pose) as estimator:
        assert estimator.estimate(np.zeros((480, 640, 3), np.uint8), 0.0) is None


def test_tflite_that_is_not_a_model_fails_to_load_with_one_line(tmp_path, settings):
    from screening.pose.estimator import PoseEstimator

    fake = tmp_path / "broken.task"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("pose_detector.tflite", b"not a flatbuffer")
        z.writestr("pose_landmarks_detector.tflite", b"not a flatbuffer")
    with pytest.raises(ModelError, match=r"cannot load pose model broken\.task") as err:
        PoseEstimator(resolve_model(fake), settings.pose)
    assert "\n" not in str(err.value)
