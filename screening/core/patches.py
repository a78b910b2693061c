"""Small grey pictures cut around a body part while the pose is found (the pair networks
that compare them live in `screening.pose.patch_network`).

Why: some signs a physiotherapist sees are not in the pose model's points. Its shoulder
points sit on the arm and stay put in a shrug; its foot points move together when the heel
lifts, toes included. The outline of the neck, or of the foot against the floor, does
change. So while the pose is found, a PATCH x PATCH grey patch is cut around the part on
each side (scaled by a body segment so that camera distance cancels out, mirrored so that
both sides look alike), and a check later hands a small convolutional network one patch
from the squat and one from standing before it. The network answers how many cm the part
has risen between the two.

The networks (`screening/data/*.onnx`) are trained by `tools/train_patch_model.py` on clips
rendered by our own generator, seeds kept apart from `sample_videos/`, with the truth of
each frame as the target. They run through OpenCV's DNN module, which the project already
needs, so there is no extra runtime dependency.
"""

from __future__ import annotations

import cv2
import numpy as np

PATCH = 48
"""Side of each patch in pixels (the networks' input size)."""


def cut_patch(rgb: np.ndarray, centre: np.ndarray, side_px: float, mirror: bool) -> np.ndarray:
    """The (PATCH, PATCH) uint8 grey square of side `side_px` around `centre` (x, y pixels),
    flipped left-right when `mirror`; the picture's edge is repeated where it runs out."""
    scale = PATCH / side_px
    sx = -scale if mirror else scale
    warp = np.array(
        [[sx, 0.0, PATCH / 2 - sx * centre[0]], [0.0, scale, PATCH / 2 - scale * centre[1]]]
    )
    colour = cv2.warpAffine(
        rgb, warp, (PATCH, PATCH), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE
    )
    return cv2.cvtColor(colour, cv2.COLOR_RGB2GRAY)


def has_patch(patches: np.ndarray) -> np.ndarray:
    """True where a patch was cut (an all-black patch carries nothing to judge either)."""
    return patches.reshape(*patches.shape[:-2], -1).max(axis=-1) > 0


def standardised(patches: np.ndarray) -> np.ndarray:
    """Zero mean, unit contrast per patch: clothes, skin and light differ, outlines do not."""
    x = patches.astype(np.float32)
    mean = x.mean(axis=(-2, -1), keepdims=True)
    std = x.std(axis=(-2, -1), keepdims=True)
    return (x - mean) / (std + 1e-3)
