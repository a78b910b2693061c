"""Seeing a shrug: a picture of each side of the neck, compared with standing by a network.

The pose model places its shoulder points on the arm and deltoid, and they stay put when the
shoulder girdle rises toward the ear. On our rendered clips the true ear-to-shoulder distance
closes 3.5-4.5 cm in a shrug and ~0 cm otherwise, while the pose model's reading moves -3 to
+3 cm either way (see README, "Shoulders"). What does change is the outline of the neck and
the top of the shoulder, which a physiotherapist looks at. The patch is anchored on the pose
model's ear and shoulder, scaled by the shoulder width, and the right side is mirrored so
both look alike. The network (`screening/data/shoulder_rise.onnx`, 200 kB) is described in
`screening/core/patches.py`.
"""

from __future__ import annotations

import numpy as np

from screening.core.landmarks import Landmark
from screening.core.patches import PATCH, cut_patch
from screening.pose.patch_network import DATA, rise_cm

HALF_WIDTH = 0.5
"""Half the patch side, as a fraction of the shoulder width in the frame."""
TOWARD_SHOULDER = 0.65
"""Patch centre on the ear-to-shoulder line: 0 at the ear, 1 at the shoulder."""
MIN_SHOULDER_WIDTH_PX = 15.0
"""Below this the person is too small in the frame for a patch to show the neck."""
MODEL_FILE = DATA / "shoulder_rise.onnx"

_SIDES = (("LEFT_EAR", "LEFT_SHOULDER", False), ("RIGHT_EAR", "RIGHT_SHOULDER", True))


def neck_patches(rgb: np.ndarray, image_xy: np.ndarray) -> np.ndarray:
    """(2, PATCH, PATCH) uint8 grey patches, [left, right], all zero where none can be cut.

    `image_xy` holds the 33 landmarks in the pixel coordinates of `rgb`. The person's
    right side is mirrored so that in both patches the neck is on the left and the
    shoulder on the right.
    """
    out = np.zeros((2, PATCH, PATCH), np.uint8)
    shoulders = image_xy[[Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER], :2]
    width = float(np.linalg.norm(shoulders[0] - shoulders[1]))
    if not np.isfinite(width) or width < MIN_SHOULDER_WIDTH_PX:
        return out
    for k, (ear_name, shoulder_name, mirror) in enumerate(_SIDES):
        ear = image_xy[Landmark[ear_name], :2]
        shoulder = image_xy[Landmark[shoulder_name], :2]
        if not np.all(np.isfinite(ear) & np.isfinite(shoulder)):
            continue
        centre = (1 - TOWARD_SHOULDER) * ear + TOWARD_SHOULDER * shoulder
        out[k] = cut_patch(rgb, centre, 2 * HALF_WIDTH * width, mirror)
    return out


def shoulder_rise_cm(patches: np.ndarray, standing: np.ndarray) -> np.ndarray:
    """How far the shoulder has risen toward the ear in each patch since `standing`, in cm.

    patches: (N, PATCH, PATCH) uint8 of one side; standing: (PATCH, PATCH) of the same side
    while standing. NaN where a patch is missing.
    """
    return rise_cm(MODEL_FILE, patches, standing)
