"""Constructed pose sequences with known answers, and paths to test data."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from screening.landmarks import NUM_LANDMARKS, Landmark
from screening.sequence import PoseSequence

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_videos"
REAL_VIDEOS = ROOT.parent / "shared" / "real_videos"


def standing_pose_px(hip_drop_px: float = 0.0) -> np.ndarray:
    """A front-view stick figure in pixels (33, 3); hips and knees lowered by `hip_drop_px`.

    Ankles at y=400, hips at y=240 when standing (leg height 160 px), head at the top.
    """
    p = np.zeros((NUM_LANDMARKS, 3))
    p[:, 0] = 320.0
    p[:, 1] = 100.0  # face landmarks
    for side, dx in (("LEFT", 30.0), ("RIGHT", -30.0)):
        p[Landmark[f"{side}_SHOULDER"], :2] = (320 + 1.5 * dx, 140 + hip_drop_px)
        p[Landmark[f"{side}_ELBOW"], :2] = (320 + 2.0 * dx, 190 + hip_drop_px)
        p[Landmark[f"{side}_WRIST"], :2] = (320 + 2.0 * dx, 235 + hip_drop_px)
        p[Landmark[f"{side}_HIP"], :2] = (320 + dx, 240 + hip_drop_px)
        p[Landmark[f"{side}_KNEE"], :2] = (320 + dx, 320 + hip_drop_px / 2)
        p[Landmark[f"{side}_ANKLE"], :2] = (320 + dx, 400)
        p[Landmark[f"{side}_HEEL"], :2] = (320 + dx, 410)
        p[Landmark[f"{side}_FOOT_INDEX"], :2] = (320 + 1.3 * dx, 412)
    return p


def make_sequence(hip_drop_px: np.ndarray, fps: float = 30.0) -> PoseSequence:
    """A sequence whose hips follow `hip_drop_px` frame by frame; NaN drop = no pose."""
    t = len(hip_drop_px)
    image = np.stack([standing_pose_px(0.0 if np.isnan(d) else d) for d in hip_drop_px])
    image[np.isnan(hip_drop_px)] = np.nan
    world = image / 160.0 * 0.9  # about 0.9 m of leg for 160 px
    vis = np.where(np.isnan(image[:, :, 0]), np.nan, 0.99)
    return PoseSequence(image=image, world=world, visibility=vis, presence=vis.copy(),
                        timestamps_s=np.arange(t) / fps, frame_indices=np.arange(t),
                        width=640, height=480, fps=fps)


def squat_profile(reps: int, fps: float = 30.0, depth_px: float = 90.0,
                  stand_s: float = 1.0, rep_s: float = 2.0, pause_s: float = 0.3
                  ) -> tuple[np.ndarray, list[int]]:
    """Hip drop over time for `reps` smooth squats between standing; returns bottoms too."""
    parts = [np.zeros(int(stand_s * fps))]
    bottoms = []
    for _ in range(reps):
        n = int(rep_s * fps)
        bottoms.append(sum(len(x) for x in parts) + n // 2)
        parts.append(depth_px * 0.5 * (1 - np.cos(2 * np.pi * np.arange(n) / n)))
        parts.append(np.zeros(int(pause_s * fps)))
    parts.append(np.zeros(int(stand_s * fps)))
    return np.concatenate(parts), bottoms
