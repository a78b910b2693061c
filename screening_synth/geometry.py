"""Small rotation and inverse-kinematics helpers, numpy only.

Why: the generator plans poses in world terms ("the shin points here, the knee hinges about
this axis") and converts them to per-bone rotations. Keeping the maths here, free of torch
and anny, makes it testable with known answers.

Conventions used throughout `screening_synth`: metres; world x = the person's left at the
start, y = backwards (the person faces -y), z = up; the floor is z = 0.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Vec = NDArray[np.float64]
Mat = NDArray[np.float64]

UP: Vec = np.array([0.0, 0.0, 1.0])
FORWARD: Vec = np.array([0.0, -1.0, 0.0])
LEFT: Vec = np.array([1.0, 0.0, 0.0])


def unit(v: Vec) -> Vec:
    """`v` scaled to length 1 (a zero vector stays zero rather than becoming NaN)."""
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-12 else np.zeros_like(v)


def axis_angle(axis: Vec, angle_rad: float) -> Mat:
    """Rotation matrix turning by `angle_rad` about `axis`, right-handed (Rodrigues)."""
    k = unit(np.asarray(axis, dtype=float))
    x, y, z = k
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    K = np.array([[0.0, -z, y], [z, 0.0, -x], [-y, x, 0.0]])
    return np.eye(3) + s * K + (1.0 - c) * (K @ K)


def rot_x(angle_rad: float) -> Mat:
    """Rotation about world x. Positive pitches an upright segment forward (its top moves to -y)."""
    return axis_angle(LEFT, angle_rad)


def rot_y(angle_rad: float) -> Mat:
    """Rotation about world y. Positive tilts an upright segment toward +x (the person's left)."""
    return axis_angle(np.array([0.0, 1.0, 0.0]), angle_rad)


def rot_z(angle_rad: float) -> Mat:
    """Rotation about world z (up). Positive turns -y (forward) toward +x (the person's left)."""
    return axis_angle(UP, angle_rad)


def orthonormal_frame(primary: Vec, secondary: Vec) -> Mat:
    """Columns (primary, secondary made perpendicular to it, their cross product)."""
    a = unit(primary)
    b = unit(secondary - np.dot(secondary, a) * a)
    return np.stack([a, b, np.cross(a, b)], axis=1)


def align(ref_primary: Vec, ref_secondary: Vec, new_primary: Vec, new_secondary: Vec) -> Mat:
    """The rotation taking `ref_primary` to `new_primary` and the reference secondary
    direction (e.g. a joint's hinge axis) to the new one; this fixes the twist too."""
    return (
        orthonormal_frame(new_primary, new_secondary)
        @ orthonormal_frame(ref_primary, ref_secondary).T
    )


def two_bone_ik(root: Vec, target: Vec, len_a: float, len_b: float, pole: Vec) -> Vec:
    """Middle-joint position of a two-segment limb (hip-knee-ankle, shoulder-elbow-wrist).

    The middle joint lies in the plane of root, target and `pole` (a direction the joint
    should point toward, e.g. forward over the toes for a knee). An out-of-reach target is
    treated as reached with the limb straight.
    """
    d_vec = target - root
    d = float(np.linalg.norm(d_vec))
    axis = unit(d_vec)
    d = min(max(d, abs(len_a - len_b) + 1e-6), len_a + len_b - 1e-6)
    # Distance along the root->target axis to the foot of the perpendicular from the joint.
    along = (len_a**2 - len_b**2 + d**2) / (2.0 * d)
    height = np.sqrt(max(len_a**2 - along**2, 0.0))
    bend = unit(pole - np.dot(pole, axis) * axis)
    return root + along * axis + height * bend


def angle_between_deg(a: Vec, b: Vec) -> float:
    """Unsigned angle between two vectors, degrees."""
    c = float(np.dot(unit(a), unit(b)))
    return float(np.degrees(np.arccos(np.clip(c, -1.0, 1.0))))
