"""The pair networks that compare a patch from the squat with one from standing.

A small convolutional network answers how many cm a body part (the heel, the shoulder
girdle) has risen between two grey patches cut by `screening.core.patches`. The networks
(`screening/data/*.onnx`) run through OpenCV's DNN module, which the project already needs,
so there is no extra runtime dependency.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import cv2
import numpy as np

from screening.core.patches import has_patch, standardised

DATA = Path(__file__).resolve().parent.parent / "data"
"""The package's data folder, where the trained networks sit."""


@cache
def _network(model_file: Path) -> cv2.dnn.Net:
    return cv2.dnn.readNetFromONNX(str(model_file))


def rise_cm(model_file: Path, patches: np.ndarray, standing: np.ndarray) -> np.ndarray:
    """How far the part has risen in each patch since `standing`, in cm, by the network in
    `model_file`.

    patches: (N, PATCH, PATCH) uint8 of one side; standing: (PATCH, PATCH) of the same side
    while standing. NaN where a patch is missing.
    """
    out = np.full(len(patches), np.nan)
    ok = has_patch(patches)
    if not ok.any() or not has_patch(standing):
        return out
    current = standardised(patches[ok])
    reference = np.broadcast_to(standardised(standing), current.shape)
    blob = np.ascontiguousarray(np.stack([current, reference], axis=1))
    net = _network(model_file)
    net.setInput(blob)
    out[ok] = net.forward().reshape(-1)
    return out
