"""Seeing a heel lift: a picture of each foot against the floor, compared with standing.

The pose model moves its heel, ankle and toe points together when the heel lifts, so its
heel point reads a 2.5-3.5 cm lift as about 1 cm seen at 45 degrees, and clean squats wobble
by as much (see README, "Heels"). What does change is the outline of the foot: the heel
leaves the floor and its shadow, the sole tilts. The patch is centred on the foot (between
the pose model's heel and toe, a little toward the ankle) with a side of one shin length, so
camera distance cancels out, and is mirrored so that the toes point right in every patch.
The network (`screening/data/heel_rise.onnx`) is described in `screening/core/patches.py`.
"""

from __future__ import annotations

import numpy as np

from screening.core.landmarks import Landmark
from screening.core.patches import PATCH, cut_patch
from screening.pose.patch_network import DATA, rise_cm

SHINS = 1.0
"""Patch side as a multiple of the shin's length in the frame (knee to ankle)."""
TOWARD_ANKLE = 0.3
"""Patch centre: 0 halfway between heel and toe, 1 at the ankle."""
MIN_SHIN_PX = 20.0
"""Below this the person is too small in the frame for a patch to show the foot."""
MODEL_FILE = DATA / "heel_rise.onnx"


def foot_patches(rgb: np.ndarray, image_xy: np.ndarray) -> np.ndarray:
    """(2, PATCH, PATCH) uint8 grey patches of the feet, [left, right], zero where none
    can be cut. `image_xy` holds the 33 landmarks in the pixel coordinates of `rgb`."""
    out = np.zeros((2, PATCH, PATCH), np.uint8)
    for k, side in enumerate(("LEFT", "RIGHT")):
        knee, ankle, heel, toe = (
            image_xy[Landmark[f"{side}_{p}"], :2] for p in ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX")
        )
        if not all(np.all(np.isfinite(p)) for p in (knee, ankle, heel, toe)):
            continue
        shin = float(np.linalg.norm(knee - ankle))
        if shin < MIN_SHIN_PX:
            continue
        centre = (1 - TOWARD_ANKLE) * (heel + toe) / 2 + TOWARD_ANKLE * ankle
        out[k] = cut_patch(rgb, centre, SHINS * shin, mirror=bool(toe[0] < heel[0]))
    return out


def heel_rise_cm(patches: np.ndarray, standing: np.ndarray) -> np.ndarray:
    """How far the heel has risen in each patch since `standing`, in cm (NaN where a patch
    is missing). patches: (N, PATCH, PATCH) uint8 of one foot; standing: one of it."""
    return rise_cm(MODEL_FILE, patches, standing)
