"""Ground truth: the 33 MediaPipe landmarks derived from the posed anny mesh and skeleton.

Why derive rather than annotate: the generator knows every vertex and joint, so the truth is
exact and free. Joint-type landmarks (shoulders, elbows, wrists, hips, knees, ankles, the
hand knuckles) are anny bone heads, i.e. joint centres, which is what MediaPipe aims for.
Surface landmarks (face, heel, toe tip) are fixed mesh vertices, chosen once on the
reference mesh by position and checked by eye on a rendered close-up; anny's topology is
the same for every phenotype, so the indices hold for all bodies:

- nose 5038: the tip of the nose (most forward vertex on the midline).
- eyes 13583 / 13655: the front (pupil) vertex of each eyeball mesh.
- eye inner 6839 / 71, eye outer 11666 / 5067: skin vertices at the corners of each eye.
- ears 12029 / 5446: the most lateral head vertex at ear height (the outer ear).
- mouth corners 10345 / 3693.
- heels 12421 / 5840: the most posterior foot vertex 1.5-4.5 cm above the sole.
- foot index 11519 / 4917: the most forward vertex of the big/second toe near the floor.
(Listed left / right: the person's own left and right.)

Also here: per-rep measurements computed from these landmarks (depth, trunk and shin
angles, heel rise, knee width, shoulder rise, pelvis shift), recorded in the labels so the
checks can be compared with what the body actually did.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from screening.core.landmarks import NUM_LANDMARKS, Landmark
from screening_synth.body import Body
from screening_synth.motion import Rep

L = Landmark

VERTEX_LANDMARKS: dict[Landmark, int] = {
    L.NOSE: 5038,
    L.LEFT_EYE_INNER: 6839,
    L.LEFT_EYE: 13583,
    L.LEFT_EYE_OUTER: 11666,
    L.RIGHT_EYE_INNER: 71,
    L.RIGHT_EYE: 13655,
    L.RIGHT_EYE_OUTER: 5067,
    L.LEFT_EAR: 12029,
    L.RIGHT_EAR: 5446,
    L.MOUTH_LEFT: 10345,
    L.MOUTH_RIGHT: 3693,
    L.LEFT_HEEL: 12421,
    L.RIGHT_HEEL: 5840,
    L.LEFT_FOOT_INDEX: 11519,
    L.RIGHT_FOOT_INDEX: 4917,
}
"""Landmarks taken from one mesh vertex (anny full-body topology, 13718 vertices)."""

BONE_LANDMARKS: dict[Landmark, str] = {
    L.LEFT_SHOULDER: "upperarm01.L",
    L.RIGHT_SHOULDER: "upperarm01.R",
    L.LEFT_ELBOW: "lowerarm01.L",
    L.RIGHT_ELBOW: "lowerarm01.R",
    L.LEFT_WRIST: "wrist.L",
    L.RIGHT_WRIST: "wrist.R",
    L.LEFT_PINKY: "finger5-1.L",  # little-finger knuckle (MCP)
    L.RIGHT_PINKY: "finger5-1.R",
    L.LEFT_INDEX: "finger2-1.L",  # index-finger knuckle (MCP)
    L.RIGHT_INDEX: "finger2-1.R",
    L.LEFT_THUMB: "finger1-3.L",  # thumb's second knuckle (IP)
    L.RIGHT_THUMB: "finger1-3.R",
    L.LEFT_HIP: "upperleg01.L",
    L.RIGHT_HIP: "upperleg01.R",
    L.LEFT_KNEE: "lowerleg01.L",
    L.RIGHT_KNEE: "lowerleg01.R",
    L.LEFT_ANKLE: "foot.L",
    L.RIGHT_ANKLE: "foot.R",
}
"""Landmarks taken from a bone head (a joint centre)."""

assert len(VERTEX_LANDMARKS) + len(BONE_LANDMARKS) == NUM_LANDMARKS


def landmarks_world(
    body: Body, vertices: NDArray[np.floating], joints: NDArray[np.floating]
) -> NDArray[np.float64]:
    """(T, 33, 3) world positions (metres) of the MediaPipe landmarks, indexed by `Landmark`.

    vertices: (T, V, 3) posed mesh; joints: (T, B, 3) posed bone heads (from `Body.pose`).
    """
    T = vertices.shape[0]
    out = np.empty((T, NUM_LANDMARKS, 3))
    for lm, vid in VERTEX_LANDMARKS.items():
        out[:, lm] = vertices[:, vid]
    for lm, bone in BONE_LANDMARKS.items():
        out[:, lm] = joints[:, body.bone_index[bone]]
    return out


def _deg(x: NDArray[np.float64] | float) -> float:
    return round(float(np.degrees(x)), 2)


def _from_vertical(v: NDArray[np.float64]) -> float:
    return _deg(np.arccos(np.clip(v[2] / np.linalg.norm(v), -1, 1)))


def rep_measurements(
    world: NDArray[np.float64], rep: Rep, front_leg: str | None = None
) -> dict[str, float]:
    """What the body did at the bottom of `rep`, measured on the truth landmarks.

    thigh_below_horizontal_deg: mean femur angle below horizontal (negative = above).
    shin_from_vertical_deg / trunk_from_vertical_deg: mean tibia and hip-to-shoulder line
    inclinations; trunk_minus_shin_deg is their difference (FMS: <= 0 is parallel or more
    upright). heel_rise_cm_*: heel height gain vs the rep's start. knee_to_ankle_width:
    knee separation over ankle separation (x, frontal plane). shoulder_to_ear_change_cm_*:
    change of the vertical ear-shoulder gap (negative = shrug). pelvis_shift_cm: hip centre
    x change (+ = toward the person's left). arms_forward_of_vertical_deg: mean shoulder-to-wrist
    angle forward of vertical in the sagittal plane (about 90 for arms reaching forward);
    arms_forward_of_trunk_deg: the same minus trunk_from_vertical_deg (NASM's measure).
    foot_turn_out_change_deg_*: heel-to-toe yaw change, outward positive.
    """
    b, s = world[rep.bottom_frame], world[rep.start_frame]
    out: dict[str, float] = {}
    thighs = [b[k] - b[h] for h, k in ((L.LEFT_HIP, L.LEFT_KNEE), (L.RIGHT_HIP, L.RIGHT_KNEE))]
    out["thigh_below_horizontal_deg"] = _deg(
        np.mean([np.arcsin(t[2] / np.linalg.norm(t)) for t in thighs])
    )
    shins = [b[k] - b[a] for a, k in ((L.LEFT_ANKLE, L.LEFT_KNEE), (L.RIGHT_ANKLE, L.RIGHT_KNEE))]
    out["shin_from_vertical_deg"] = round(float(np.mean([_from_vertical(v) for v in shins])), 2)
    trunk = (b[L.LEFT_SHOULDER] + b[L.RIGHT_SHOULDER]) / 2 - (b[L.LEFT_HIP] + b[L.RIGHT_HIP]) / 2
    out["trunk_from_vertical_deg"] = _from_vertical(trunk)
    out["trunk_minus_shin_deg"] = round(
        out["trunk_from_vertical_deg"] - out["shin_from_vertical_deg"], 2
    )
    for side, heel, sh, ear, toe in (
        ("left", L.LEFT_HEEL, L.LEFT_SHOULDER, L.LEFT_EAR, L.LEFT_FOOT_INDEX),
        ("right", L.RIGHT_HEEL, L.RIGHT_SHOULDER, L.RIGHT_EAR, L.RIGHT_FOOT_INDEX),
    ):
        out[f"heel_rise_cm_{side}"] = round(float(100 * (b[heel][2] - s[heel][2])), 2)
        gap_b, gap_s = b[ear][2] - b[sh][2], s[ear][2] - s[sh][2]
        out[f"shoulder_to_ear_change_cm_{side}"] = round(float(100 * (gap_b - gap_s)), 2)
        sign = 1.0 if side == "left" else -1.0
        yaw_b = np.arctan2(sign * (b[toe][0] - b[heel][0]), -(b[toe][1] - b[heel][1]))
        yaw_s = np.arctan2(sign * (s[toe][0] - s[heel][0]), -(s[toe][1] - s[heel][1]))
        out[f"foot_turn_out_change_deg_{side}"] = _deg(yaw_b - yaw_s)
    knee_w = abs(b[L.LEFT_KNEE][0] - b[L.RIGHT_KNEE][0])
    ankle_w = abs(b[L.LEFT_ANKLE][0] - b[L.RIGHT_ANKLE][0])
    out["knee_to_ankle_width"] = round(float(knee_w / max(ankle_w, 1e-6)), 3)
    hip_b = (b[L.LEFT_HIP] + b[L.RIGHT_HIP]) / 2
    hip_s = (s[L.LEFT_HIP] + s[L.RIGHT_HIP]) / 2
    out["pelvis_shift_cm"] = round(float(100 * (hip_b[0] - hip_s[0])), 2)
    hips = (
        world[rep.start_frame : rep.end_frame + 1, L.LEFT_HIP]
        + world[rep.start_frame : rep.end_frame + 1, L.RIGHT_HIP]
    ) / 2
    out["pelvis_lateral_range_cm"] = round(float(100 * np.ptp(hips[:, 0])), 2)
    if front_leg is not None:
        hip_i, knee_i, ankle_i = (
            (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE)
            if front_leg == "left"
            else (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)
        )
        out["front_shin_from_vertical_deg"] = _from_vertical(b[knee_i] - b[ankle_i])
        out["trunk_minus_front_shin_deg"] = round(
            out["trunk_from_vertical_deg"] - out["front_shin_from_vertical_deg"], 2
        )
        t_frac = (b[knee_i][2] - b[hip_i][2]) / (b[ankle_i][2] - b[hip_i][2])
        line_x = b[hip_i][0] + t_frac * (b[ankle_i][0] - b[hip_i][0])
        medial = -1.0 if front_leg == "left" else 1.0
        out["front_knee_medial_cm"] = round(float(100 * medial * (b[knee_i][0] - line_x)), 2)
    arms = [
        b[w] - b[sh]
        for sh, w in ((L.LEFT_SHOULDER, L.LEFT_WRIST), (L.RIGHT_SHOULDER, L.RIGHT_WRIST))
    ]
    out["arms_forward_of_vertical_deg"] = _deg(np.mean([np.arctan2(-a[1], a[2]) for a in arms]))
    if "trunk_from_vertical_deg" in out:
        out["arms_forward_of_trunk_deg"] = round(
            out["arms_forward_of_vertical_deg"] - out["trunk_from_vertical_deg"], 2
        )
    return out
