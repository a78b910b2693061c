"""Find and verify the pose model file.

The default model is the `.task` we build from the Apache-2.0 tflite files of the mediapipe
0.10.21 wheel (see models/README.md); it ships in screening/data/ with its SHA-256 beside it
in a `.sha256` file, checked on every load, so a damaged or swapped file fails early with a
clear message instead of producing quietly wrong landmarks. A user may point to any other
PoseLandmarker `.task` (an official lite or heavy model) with `--model` or the
SCREENING_MODEL environment variable.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from screening.core.errors import ModelError

MODEL_ENV_VAR = "SCREENING_MODEL"
DEFAULT_MODEL_NAME = "pose_landmarker_full.task"
MODELS_DIR = Path(__file__).resolve().parent.parent / "data"
"""Where the default model ships: inside the package, so a plain `pip install` has it."""
REQUIRED_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")


@dataclass(frozen=True)
class ModelInfo:
    """A verified model file: where it is and what its bytes hash to (goes into each record)."""

    path: Path
    sha256: str

    def as_record(self) -> dict[str, str]:
        return {"file": self.path.name, "sha256": self.sha256}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _expected_hash(model: Path) -> str | None:
    """The hash recorded in `<model>.sha256` (sha256sum format), if that file exists."""
    sidecar = model.with_name(model.name + ".sha256")
    if not sidecar.exists():
        return None
    text = sidecar.read_text("utf-8").split()
    return text[0].lower() if text else None


def resolve_model(path: str | os.PathLike[str] | None = None) -> ModelInfo:
    """Pick the model (argument, then $SCREENING_MODEL, then the bundled default) and verify it.

    Raises ModelError with a one-line explanation when the file is missing, is not a
    PoseLandmarker bundle, or does not match its recorded SHA-256.
    """
    chosen = path or os.environ.get(MODEL_ENV_VAR) or MODELS_DIR / DEFAULT_MODEL_NAME
    model = Path(chosen).expanduser()
    if not model.is_file():
        hint = (
            "rebuild it with `python models/build_pose_model.py`"
            if model == MODELS_DIR / DEFAULT_MODEL_NAME
            else f"check --model / ${MODEL_ENV_VAR}"
        )
        raise ModelError(f"pose model not found at {model}; {hint}")
    if not zipfile.is_zipfile(model):
        raise ModelError(f"pose model {model.name} is corrupt or not a .task bundle (not a zip)")
    with zipfile.ZipFile(model) as bundle:
        names = set(bundle.namelist())
    missing = [m for m in REQUIRED_MEMBERS if m not in names]
    if missing:
        raise ModelError(f"{model.name} is not a PoseLandmarker model (missing {missing[0]})")
    actual = sha256_of(model)
    expected = _expected_hash(model)
    if expected is not None and actual != expected:
        raise ModelError(
            f"pose model {model.name} does not match its recorded SHA-256 "
            f"(expected {expected[:12]}..., got {actual[:12]}...): "
            "the file is damaged or was replaced"
        )
    return ModelInfo(path=model.resolve(), sha256=actual)
