"""A pinhole camera placed around the person by yaw, height, distance and pitch.

Why these parameters: they are what a person setting up a phone or webcam controls (where
they stand it, how high, how far, how tilted), and they are what the truth records so an
evaluation can relate a check's result to the view it came from.

yaw_deg is measured around the person from the front toward the person's LEFT: 0 = front
(camera in front of the person, looking at them), +90 = side_left (the person's left side
faces the camera), -90 = side_right, +-45 = oblique. Pixel coordinates: x right, y down,
origin at the top-left pixel's corner (the OpenCV / MediaPipe convention).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

WIDTH = 640
HEIGHT = 480
FOCAL_PX = 560.0
"""About a 60 degree horizontal field of view at 640 px: a typical webcam or phone."""


CAMERA_HEIGHTS_M = (0.8, 1.3)
"""Camera heights the sample set and the held-out sets are drawn from: a tripod or a shelf,
from hip to head height."""


@dataclass(frozen=True)
class Camera:
    """Camera pose and intrinsics.

    target_xy: the floor point (world x, y) the camera orbits around and faces horizontally.
    look_height_m: height of the point on the line above `target_xy` the optical axis passes
    through; with height_m it sets the pitch (positive pitch = looking down).
    """

    yaw_deg: float
    height_m: float
    distance_m: float
    look_height_m: float
    target_xy: tuple[float, float] = (0.0, 0.0)
    width: int = WIDTH
    height: int = HEIGHT
    focal_px: float = FOCAL_PX

    @property
    def pitch_deg(self) -> float:
        """Downward tilt of the optical axis, degrees (negative = looking up)."""
        return float(np.degrees(np.arctan2(self.height_m - self.look_height_m, self.distance_m)))

    @property
    def position(self) -> NDArray[np.float64]:
        yaw = np.radians(self.yaw_deg)
        tx, ty = self.target_xy
        return np.array(
            [tx + self.distance_m * np.sin(yaw), ty - self.distance_m * np.cos(yaw), self.height_m]
        )

    @property
    def rotation(self) -> NDArray[np.float64]:
        """World-to-camera rotation; rows are the camera's x (right), y (down), z (forward) axes."""
        yaw, pitch = np.radians(self.yaw_deg), np.radians(self.pitch_deg)
        horizontal = np.array([-np.sin(yaw), np.cos(yaw), 0.0])  # from camera toward target
        forward = np.cos(pitch) * horizontal + np.array([0.0, 0.0, -np.sin(pitch)])
        right = np.cross(forward, np.array([0.0, 0.0, 1.0]))
        right /= np.linalg.norm(right)
        down = np.cross(forward, right)
        return np.stack([right, down, forward])

    def to_camera(self, points: NDArray[np.floating]) -> NDArray[np.float64]:
        """World points (..., 3) in camera coordinates (..., 3); z is the depth in metres."""
        return (np.asarray(points, dtype=np.float64) - self.position) @ self.rotation.T

    def project(self, points: NDArray[np.floating]) -> NDArray[np.float64]:
        """World points (..., 3) to pixel coordinates (..., 2)."""
        cam = self.to_camera(points)
        z = np.maximum(cam[..., 2], 1e-6)
        return np.stack(
            [
                self.focal_px * cam[..., 0] / z + self.width / 2.0,
                self.focal_px * cam[..., 1] / z + self.height / 2.0,
            ],
            axis=-1,
        )

    def as_dict(self) -> dict[str, float]:
        return {
            "yaw_deg": round(float(self.yaw_deg), 3),
            "height_m": round(float(self.height_m), 4),
            "distance_m": round(float(self.distance_m), 4),
            "pitch_deg": round(self.pitch_deg, 3),
            "look_height_m": round(float(self.look_height_m), 4),
            "target_xy": [round(float(v), 4) for v in self.target_xy],
            "focal_px": float(self.focal_px),
            "width": int(self.width),
            "height": int(self.height),
        }
