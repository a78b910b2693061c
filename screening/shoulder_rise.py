"""Seeing a shrug: small pictures of each side of the neck, and a network that compares them.

Why pictures and not landmarks: the pose model places its shoulder points on the arm and
deltoid, and they stay put when the shoulder girdle rises toward the ear. On our rendered
clips the true ear-to-shoulder distance closes 3.5-4.5 cm in a shrug and ~0 cm otherwise,
while the pose model's reading moves -3 to +3 cm either way (see README, "Shoulders"). What
does change is the outline of the neck and the top of the shoulder, which a physiotherapist
looks at. So while the pose is found, a 48x48 grey patch is cut around each side of the
neck (anchored on the pose model's ear and shoulder, scaled by the shoulder width, the right
side mirrored so both look alike); the shoulder_elevation check later hands a small
convolutional network one patch from the squat and one from standing before it, and the
network answers how many cm the shoulder has risen between the two.

The network (`screening/data/shoulder_rise.onnx`, 200 kB) was trained by
`tools/train_shoulder_model.py` on clips rendered by our own generator, seeds kept apart
from `sample_videos/`, with the truth of each frame as the target. It runs through OpenCV's
DNN module, which the project already needs, so no extra runtime dependency.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import cv2
import numpy as np

from screening.landmarks import Landmark

PATCH = 48
"""Side of each patch in pixels (the network's input size)."""
HALF_WIDTH = 0.5
"""Half the patch side, as a fraction of the shoulder width in the frame."""
TOWARD_SHOULDER = 0.65
"""Patch centre on the ear-to-shoulder line: 0 at the ear, 1 at the shoulder."""
MIN_SHOULDER_WIDTH_PX = 15.0
"""Below this the person is too small in the frame for a patch to show the neck."""
MODEL_FILE = Path(__file__).resolve().parent / "data" / "shoulder_rise.onnx"

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
    scale = PATCH / (2 * HALF_WIDTH * width)
    for k, (ear_name, shoulder_name, mirror) in enumerate(_SIDES):
        ear = image_xy[Landmark[ear_name], :2]
        shoulder = image_xy[Landmark[shoulder_name], :2]
        if not np.all(np.isfinite(ear) & np.isfinite(shoulder)):
            continue
        centre = (1 - TOWARD_SHOULDER) * ear + TOWARD_SHOULDER * shoulder
        sx = -scale if mirror else scale
        warp = np.array([[sx, 0.0, PATCH / 2 - sx * centre[0]],
                         [0.0, scale, PATCH / 2 - scale * centre[1]]])
        colour = cv2.warpAffine(rgb, warp, (PATCH, PATCH), flags=cv2.INTER_AREA,
                                borderMode=cv2.BORDER_REPLICATE)
        out[k] = cv2.cvtColor(colour, cv2.COLOR_RGB2GRAY)
    return out


def has_patch(patches: np.ndarray) -> np.ndarray:
    """True where a patch was cut (an all-black patch carries nothing to judge either)."""
    return patches.reshape(*patches.shape[:-2], -1).max(axis=-1) > 0


def _standardised(patches: np.ndarray) -> np.ndarray:
    """Zero mean, unit contrast per patch: clothes, skin and light differ, outlines do not."""
    x = patches.astype(np.float32)
    mean = x.mean(axis=(-2, -1), keepdims=True)
    std = x.std(axis=(-2, -1), keepdims=True)
    return (x - mean) / (std + 1e-3)


@cache
def _network() -> cv2.dnn.Net:
    return cv2.dnn.readNetFromONNX(str(MODEL_FILE))


def shoulder_rise_cm(patches: np.ndarray, standing: np.ndarray) -> np.ndarray:
    """How far the shoulder has risen toward the ear in each patch since `standing`, in cm.

    patches: (N, PATCH, PATCH) uint8 of one side; standing: (PATCH, PATCH) of the same side
    while standing. NaN where a patch is missing.
    """
    out = np.full(len(patches), np.nan)
    ok = has_patch(patches)
    if not ok.any() or not has_patch(standing):
        return out
    current = _standardised(patches[ok])
    reference = np.broadcast_to(_standardised(standing), current.shape)
    blob = np.ascontiguousarray(np.stack([current, reference], axis=1))
    net = _network()
    net.setInput(blob)
    out[ok] = net.forward().reshape(-1)
    return out
