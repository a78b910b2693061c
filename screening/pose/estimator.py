"""MediaPipe PoseLandmarker wrapper: the only module that imports mediapipe.

Keeping mediapipe behind this small interface means the rest of the project deals only in
numpy arrays (`FramePose`), tests of the maths need no model, and a change in the MediaPipe
API touches one file.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import BaseOptions
from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions, RunningMode

from screening.core.errors import ModelError
from screening.core.landmarks import NUM_LANDMARKS
from screening.core.sequence import FramePose
from screening.core.settings import PoseSettings
from screening.pose.heel_rise import foot_patches
from screening.pose.model_file import ModelInfo
from screening.pose.shoulder_rise import neck_patches


def _model_input(rgb: np.ndarray, max_side: int) -> mp.Image:
    """Downscale very large frames before the model: it works at 256x256 internally."""
    h, w = rgb.shape[:2]
    if max_side and max(h, w) > max_side:
        scale = max_side / max(h, w)
        rgb = cv2.resize(
            rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
        )
    return mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))


def _to_frame_pose(result: object, width: int, height: int) -> FramePose | None:
    """Convert the first detected person of a PoseLandmarkerResult to arrays."""
    people = len(result.pose_landmarks)  # type: ignore[attr-defined]
    if people == 0:
        return None
    norm = result.pose_landmarks[0]  # type: ignore[attr-defined]
    world = result.pose_world_landmarks[0]  # type: ignore[attr-defined]
    if len(norm) != NUM_LANDMARKS:
        return None
    image = np.array([(p.x * width, p.y * height, p.z * width) for p in norm], dtype=np.float64)
    world_xyz = np.array([(p.x, p.y, p.z) for p in world], dtype=np.float64)
    visibility = np.array([p.visibility or 0.0 for p in norm], dtype=np.float64)
    presence = np.array([p.presence or 0.0 for p in norm], dtype=np.float64)
    return FramePose(image, world_xyz, visibility, presence, people)


def with_patches(pose: FramePose | None, rgb: np.ndarray, scale: float = 1.0) -> FramePose | None:
    """The pose with the patches of its neck and feet cut from the frame it was found in
    (`scale` turns the pose's pixels into `rgb`'s)."""
    if pose is None:
        return None
    xy = pose.image[:, :2] * scale
    return replace(pose, neck=neck_patches(rgb, xy), feet=foot_patches(rgb, xy))


def _options(
    model: ModelInfo, settings: PoseSettings, mode: RunningMode, num_poses: int
) -> PoseLandmarkerOptions:
    return PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model.path)),
        running_mode=mode,
        num_poses=num_poses,
        min_pose_detection_confidence=settings.min_detection_confidence,
        min_pose_presence_confidence=settings.min_presence_confidence,
        min_tracking_confidence=settings.min_tracking_confidence,
        output_segmentation_masks=False,
    )


def _create(options: PoseLandmarkerOptions, model: ModelInfo) -> PoseLandmarker:
    try:
        return PoseLandmarker.create_from_options(options)
    except (RuntimeError, ValueError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(f"cannot load pose model {model.path.name}: {first_line}") from None


class PoseEstimator:
    """PoseLandmarker in VIDEO mode for recorded frames (tracking across frames).

    Timestamps must increase; they are nudged up by 1 ms when a container repeats one.
    """

    def __init__(self, model: ModelInfo, settings: PoseSettings, num_poses: int = 1) -> None:
        self.model = model
        self._settings = settings
        self._landmarker = _create(_options(model, settings, RunningMode.VIDEO, num_poses), model)
        self._last_ms = -1

    def estimate(self, rgb: np.ndarray, timestamp_s: float) -> FramePose | None:
        """Find the pose in one RGB frame; None when no person is found."""
        ms = max(round(timestamp_s * 1000.0), self._last_ms + 1)
        self._last_ms = ms
        h, w = rgb.shape[:2]
        image = _model_input(rgb, self._settings.max_input_side_px)
        result = self._landmarker.detect_for_video(image, ms)
        pose = _to_frame_pose(result, w, h)
        return with_patches(pose, rgb)

    def close(self) -> None:
        self._landmarker.close()

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PeopleCounter:
    """Counts the people in single frames (IMAGE mode, up to three poses).

    The tracking estimator follows one person and never reports a second. Looking at a frame
    now and then with a separate model instance lets a recorded video with two people say so
    instead of silently screening one of them, at the cost of one extra model run per look.
    """

    MAX_PEOPLE = 3

    def __init__(self, model: ModelInfo, settings: PoseSettings) -> None:
        self._settings = settings
        self._landmarker = _create(
            _options(model, settings, RunningMode.IMAGE, self.MAX_PEOPLE), model
        )

    def count(self, rgb: np.ndarray) -> int:
        """How many people the model finds in this RGB frame."""
        result = self._landmarker.detect(_model_input(rgb, self._settings.max_input_side_px))
        return len(result.pose_landmarks)

    def close(self) -> None:
        self._landmarker.close()

    def __enter__(self) -> PeopleCounter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
