"""Constructed pose sequences with known answers, and paths to test data."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from screening.core.landmarks import NUM_LANDMARKS, Landmark
from screening.core.sequence import PoseSequence

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
    return PoseSequence(
        image=image,
        world=world,
        visibility=vis,
        presence=vis.copy(),
        timestamps_s=np.arange(t) / fps,
        frame_indices=np.arange(t),
        width=640,
        height=480,
        fps=fps,
    )


def squat_profile(
    reps: int,
    fps: float = 30.0,
    depth_px: float = 90.0,
    stand_s: float = 1.0,
    rep_s: float = 2.0,
    pause_s: float = 0.3,
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


# ---------------------------------------------------------------------------------------
# A parametric stick figure seen by a pinhole-free (orthographic) camera, for known-answer
# tests of the checks. Body coordinates in metres: x to the person's left, y up, z forward.

from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from screening.core.landmarks import Landmark as L  # noqa: E402

PX_PER_M = 250.0


@dataclass(frozen=True)
class Pose:
    """One frame of a squat-like pose, with faults in physical units."""

    shank_deg: float = 0.0  # shin forward tilt from vertical
    thigh_above_deg: float = 90.0  # thigh angle above horizontal (90 = standing)
    trunk_deg: float = 0.0  # trunk forward tilt from vertical
    heel_lift_m: float = 0.0
    knee_in_m: float = 0.0  # each knee moves toward the midline
    toe_out_deg: float = 0.0  # each foot turns out about the heel
    ankle_out_m: float = 0.0  # each ankle moves outward over the foot (roll out)
    pelvis_shift_m: float = 0.0  # toward the person's left
    arms: str = "forward"  # forward | overhead | bar (hands on a bar across the upper back)
    arm_forward_deg: float = 0.0  # overhead arms tilted forward from vertical


SHANK, THIGH, TRUNK, NECK = 0.42, 0.44, 0.52, 0.14
HALF_HIP, HALF_SHOULDER, HALF_STANCE = 0.10, 0.19, 0.14
FOOT = 0.31 * (SHANK + THIGH)  # the anthropometric foot length the turn-out check assumes


def body_points(p: Pose) -> np.ndarray:
    """(33, 3) body-frame coordinates of every landmark for one pose."""
    out = np.zeros((33, 3))
    sh, th, tr = np.radians(p.shank_deg), np.radians(p.thigh_above_deg), np.radians(p.trunk_deg)
    for side, sx in (("LEFT", 1.0), ("RIGHT", -1.0)):
        lm = {
            n: L[f"{side}_{n}"]
            for n in (
                "ANKLE",
                "HEEL",
                "FOOT_INDEX",
                "KNEE",
                "HIP",
                "SHOULDER",
                "ELBOW",
                "WRIST",
                "EAR",
                "EYE",
                "EYE_INNER",
                "EYE_OUTER",
                "PINKY",
                "INDEX",
                "THUMB",
            )
        }
        foot_x = sx * HALF_STANCE
        toe_out = np.radians(p.toe_out_deg)
        heel = np.array([foot_x, p.heel_lift_m, -0.05])
        toe = heel + FOOT * np.array([sx * np.sin(toe_out), 0, np.cos(toe_out)])
        toe[1] = 0.0
        ankle = np.array([foot_x + sx * p.ankle_out_m, 0.08 + p.heel_lift_m * 0.8, 0.0])
        knee = ankle + SHANK * np.array([0, np.cos(sh), np.sin(sh)])
        knee[0] -= sx * p.knee_in_m
        hip = knee + THIGH * np.array([0, np.sin(th), -np.cos(th)])
        hip[0] = sx * HALF_HIP + p.pelvis_shift_m
        out[lm["ANKLE"]], out[lm["HEEL"]], out[lm["FOOT_INDEX"]] = ankle, heel, toe
        out[lm["KNEE"]], out[lm["HIP"]] = knee, hip
    hip_mid = (out[L.LEFT_HIP] + out[L.RIGHT_HIP]) / 2
    up = np.array([0, np.cos(tr), np.sin(tr)])
    for side, sx in (("LEFT", 1.0), ("RIGHT", -1.0)):
        shoulder = hip_mid + TRUNK * up + np.array([sx * HALF_SHOULDER - p.pelvis_shift_m, 0, 0])
        ear = hip_mid + (TRUNK + NECK) * up + np.array([sx * 0.07 - p.pelvis_shift_m, 0, 0])
        if p.arms == "overhead":
            a = np.radians(p.arm_forward_deg)
            arm_dir = np.array([0, np.cos(a), np.sin(a)])
        else:
            arm_dir = np.array([0, 0, 1.0])
        out[L[f"{side}_SHOULDER"]] = shoulder
        out[L[f"{side}_ELBOW"]] = shoulder + 0.3 * arm_dir
        for part in ("WRIST", "PINKY", "INDEX", "THUMB"):
            out[L[f"{side}_{part}"]] = shoulder + 0.56 * arm_dir
        if p.arms == "bar":  # a grip 1.8 shoulder widths wide, just below and behind
            out[L[f"{side}_ELBOW"]] = shoulder + np.array([sx * 0.12, -0.25, -0.12])
            for part in ("WRIST", "PINKY", "INDEX", "THUMB"):
                out[L[f"{side}_{part}"]] = shoulder + np.array([sx * 0.15, -0.03, -0.06])
        out[L[f"{side}_EAR"]] = ear
        for part in ("EYE", "EYE_INNER", "EYE_OUTER"):
            out[L[f"{side}_{part}"]] = ear + np.array([-sx * 0.03, 0.02, 0.08])
    nose = (out[L.LEFT_EAR] + out[L.RIGHT_EAR]) / 2 + np.array([0, 0, 0.11])
    out[L.NOSE] = nose
    out[L.MOUTH_LEFT] = nose + np.array([0.02, -0.04, 0])
    out[L.MOUTH_RIGHT] = nose + np.array([-0.02, -0.04, 0])
    return out


def camera_views(body: np.ndarray, view: str) -> tuple[np.ndarray, np.ndarray]:
    """(image px, MediaPipe-style world) of body points seen from `view`.

    front: the camera faces the person (their left appears on the image's right).
    side_left: the camera is on the person's left; they face the image's left.
    side_right: the camera is on their right; they face the image's right.
    """
    x, y, z = body[:, 0], body[:, 1], body[:, 2]
    if view == "front":
        horiz, depth = x, -z
    elif view == "side_left":
        horiz, depth = -z, -x
    elif view == "side_right":
        horiz, depth = z, x
    else:
        raise ValueError(view)
    image = np.stack([320 + PX_PER_M * horiz, 440 - PX_PER_M * y, PX_PER_M * depth], axis=1)
    hip_mid = (body[L.LEFT_HIP] + body[L.RIGHT_HIP]) / 2
    world = np.stack([horiz - 0, -(y - hip_mid[1]), depth], axis=1)
    world[:, 0] -= {"front": hip_mid[0], "side_left": -hip_mid[2], "side_right": hip_mid[2]}[view]
    return image, world


def pinhole_views(
    body: np.ndarray, yaw_deg: float, height_m: float, distance_m: float, focal_px: float = 560.0
) -> tuple[np.ndarray, np.ndarray]:
    """(image px, MediaPipe-style world) of body points seen by a real (pinhole) camera.

    The camera stands `distance_m` away at `yaw_deg` toward the person's left (0 = in
    front) and `height_m` up, looking at the middle of the standing hips, as a phone on a
    shelf would. The world points are the body in that camera's axes (x right, y down,
    z away) about the hip centre: depth along the line of sight, as the pose model gives it.
    """
    yaw = np.radians(yaw_deg)
    target = np.array([0.0, SHANK + THIGH + 0.08, 0.0])
    eye = np.array([distance_m * np.sin(yaw), height_m, distance_m * np.cos(yaw)])
    forward = (target - eye) / np.linalg.norm(target - eye)
    right = np.cross(forward, [0.0, 1.0, 0.0])
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    rot = np.stack([right, down, forward])
    cam = (body - eye) @ rot.T
    image = np.stack(
        [
            320 + focal_px * cam[:, 0] / cam[:, 2],
            240 + focal_px * cam[:, 1] / cam[:, 2],
            focal_px * (cam[:, 2] - cam[:, 2].mean()) / cam[:, 2].mean(),
        ],
        axis=1,
    )
    hip_mid = (body[L.LEFT_HIP] + body[L.RIGHT_HIP]) / 2
    world = (body - hip_mid) @ rot.T
    return image, world


def squat_sequence(
    view: str,
    reps: int = 2,
    fps: float = 30.0,
    bottom: Pose | None = None,
    stand: Pose | None = None,
    camera: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
) -> PoseSequence:
    """Stand, `reps` squats easing from `stand` to `bottom` and back, stand.

    camera: body points -> (image, world); default the orthographic `camera_views(view)`.
    """
    stand = stand or Pose()
    bottom = bottom or Pose(shank_deg=35.0, thigh_above_deg=-10.0, trunk_deg=35.0)
    down = 0.5 * (1 - np.cos(np.pi * np.arange(int(fps)) / fps))  # 1 s down, eased
    one_rep = np.concatenate([down, np.ones(int(0.4 * fps)), down[::-1], np.zeros(int(0.3 * fps))])
    s_t = np.concatenate([np.zeros(int(fps)), *([one_rep] * reps), np.zeros(int(fps))])
    images, worlds = [], []
    for s in s_t:
        mix = {
            f: getattr(stand, f) + s * (getattr(bottom, f) - getattr(stand, f))
            for f in Pose.__dataclass_fields__
            if f != "arms"
        }
        body = body_points(Pose(**mix, arms=bottom.arms))
        img, wld = camera(body) if camera else camera_views(body, view)
        images.append(img)
        worlds.append(wld)
    t = len(s_t)
    vis = np.full((t, 33), 0.99)
    return PoseSequence(
        image=np.stack(images),
        world=np.stack(worlds),
        visibility=vis,
        presence=vis.copy(),
        timestamps_s=np.arange(t) / fps,
        frame_indices=np.arange(t),
        width=640,
        height=480,
        fps=fps,
    )
