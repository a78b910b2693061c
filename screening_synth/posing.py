"""Turn per-frame targets (`motion.FrameState`) into bone rotations for the anny body.

How a frame is built, and why in this order:
1. Feet first: each foot is a rigid body placed flat on the floor, then turned about its
   heel (turn-out), rolled about its outer edge (roll-out) or pitched about the ball of the
   foot (heel lift). Rotating about those contact lines is what keeps the feet planted.
2. The pelvis next: for squats its height and fore-aft position follow from the planted
   ankles and the planned shin and thigh angles (the legs close the loop); for the lunge it
   follows from the split stance. Lateral shift and sway are added on top.
3. Legs by two-bone IK from each hip to its ankle; the knee bends toward a pole (over the
   toes when clean, swung medially for knee valgus). The knee's hinge axis fixes the twist.
4. Trunk, neck and head lean; clavicles shrug; arms are aimed (forward, overhead) or solved
   by IK (hands on hips).
Rotations are world rotations relative to anny's reference pose (see `body`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from screening.core.codes import Movement
from screening_synth.body import Body
from screening_synth.geometry import (
    FORWARD,
    UP,
    align,
    axis_angle,
    rot_x,
    rot_y,
    rot_z,
    two_bone_ik,
    unit,
)
from screening_synth.motion import BACK_FOOT_PITCH_DEG, LUNGE_FRONT_SHIN_DEG, FrameState, Stance

SIDES = ("left", "right")
SUFFIX = {"left": ".L", "right": ".R"}
SIGN = {"left": 1.0, "right": -1.0}  # +x is the person's left
PELVIS_SHARE_OF_LEAN = 0.65
"""Most trunk inclination in a squat comes from the hips (pelvis tilting forward); the
rest is spread over the five spine bones."""
DEPTH_ITERATIONS = 3
TRUNK_ITERATIONS = 4


@dataclass
class FootPose:
    """A rigid foot: world point = rotation @ (reference point - reference ankle) + ankle."""

    rotation: NDArray[np.float64]
    ankle: NDArray[np.float64]
    flat_rotation: NDArray[np.float64]  # the rotation without heel pitch: the toes lie flat

    def apply(
        self, p_ref: NDArray[np.float64], ankle_ref: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        return self.rotation @ (p_ref - ankle_ref) + self.ankle

    def rotated_about(
        self, rotation: NDArray[np.float64], pivot: NDArray[np.float64], pitch: bool
    ) -> FootPose:
        return FootPose(
            rotation=rotation @ self.rotation,
            ankle=rotation @ (self.ankle - pivot) + pivot,
            flat_rotation=self.flat_rotation if pitch else rotation @ self.flat_rotation,
        )


class Poser:
    """Poses one body for one movement and stance."""

    def __init__(self, body: Body, movement: Movement, stance: Stance) -> None:
        self.body = body
        self.movement = movement
        self.stance = stance
        h = body.head
        self.ankle_ref = {s: h("foot" + SUFFIX[s]) for s in SIDES}
        self.hip_ref = {s: h("upperleg01" + SUFFIX[s]) for s in SIDES}
        self.knee_ref = {s: h("lowerleg01" + SUFFIX[s]) for s in SIDES}
        self.thigh_len = float(
            np.mean([np.linalg.norm(self.knee_ref[s] - self.hip_ref[s]) for s in SIDES])
        )
        self.shin_len = float(
            np.mean([np.linalg.norm(self.ankle_ref[s] - self.knee_ref[s]) for s in SIDES])
        )
        self.root_ref = body.ref_heads[0]
        self.shoulder_ref = {s: h("upperarm01" + SUFFIX[s]) for s in SIDES}
        self.elbow_ref = {s: h("lowerarm01" + SUFFIX[s]) for s in SIDES}
        self.wrist_ref = {s: h("wrist" + SUFFIX[s]) for s in SIDES}
        self.clavicle_ref = {s: h("clavicle" + SUFFIX[s]) for s in SIDES}
        self._foot_geometry()
        hip_mid = (self.hip_ref["left"] + self.hip_ref["right"]) / 2
        sh_mid = (self.shoulder_ref["left"] + self.shoulder_ref["right"]) / 2
        trunk = sh_mid - hip_mid
        self.trunk_ref_deg = float(np.degrees(np.arctan2(-trunk[1], trunk[2])))
        """Forward inclination of the reference trunk (hip centre to shoulder centre)."""
        self.stance_feet = self._place_feet()

    # ----- feet -------------------------------------------------------------------------

    def _foot_geometry(self) -> None:
        """Contact points of each foot in the reference pose (floor level, z = 0)."""
        b = self.body
        self.heel_ref, self.ball_ref, self.outer_ref, self.inner_ref, self.foot_dir_ref = (
            {},
            {},
            {},
            {},
            {},
        )
        for s in SIDES:
            bones = [
                b.bone_index[x]
                for x in b.bone_labels
                if x.endswith(SUFFIX[s]) and x.startswith(("foot", "toe"))
            ]
            v = b.ref_vertices[np.isin(b.vertex_bone, bones)]
            sole = v[v[:, 2] < 0.015]
            heel = sole[sole[:, 1] > sole[:, 1].max() - 0.04].mean(axis=0)
            ball = 0.5 * (b.head("toe1-1" + SUFFIX[s]) + b.head("toe5-1" + SUFFIX[s]))
            self.heel_ref[s] = np.array([heel[0], heel[1], 0.0])
            self.ball_ref[s] = np.array([ball[0], ball[1], 0.0])
            outward = SIGN[s]
            lateral = sole[np.argmax(sole[:, 0] * outward)]
            medial = sole[np.argmin(sole[:, 0] * outward)]
            self.outer_ref[s] = np.array([lateral[0], lateral[1], 0.0])
            self.inner_ref[s] = np.array([medial[0], medial[1], 0.0])
            self.foot_dir_ref[s] = unit(self.ball_ref[s] - self.heel_ref[s])

    def _place_feet(self) -> dict[str, FootPose]:
        """Standing feet: flat, ankles `half_width` from the midline (squats) or split
        (lunge), each turned out by the stance angle."""
        feet = {}
        for s in SIDES:
            ref_dir = self.foot_dir_ref[s]
            ref_yaw = np.arctan2(ref_dir[0], -ref_dir[1])  # + = toes toward +x
            yaw = np.radians(self.stance.turn_out_deg) * SIGN[s] - ref_yaw
            R = rot_z(yaw)
            x = SIGN[s] * self.stance.half_width_m
            y = 0.0
            if self.movement is Movement.LUNGE:
                y = self.stance.extras["front_y" if s == self.stance.front else "back_y"]
            ankle = np.array([x, y, self.ankle_ref[s][2]])
            feet[s] = FootPose(rotation=R, ankle=ankle, flat_rotation=R)
        return feet

    def foot_point(
        self, foot: FootPose, side: str, p_ref: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        return foot.apply(p_ref, self.ankle_ref[side])

    def foot_pose(
        self, side: str, turn_out_deg: float, roll_out_deg: float, heel_lift_m: float
    ) -> FootPose:
        """The standing foot turned out about the heel, rolled onto its outer edge, and
        pitched about the ball of the foot so the heel rises `heel_lift_m`."""
        foot = self.stance_feet[side]
        if turn_out_deg:
            heel = self.foot_point(foot, side, self.heel_ref[side])
            foot = foot.rotated_about(
                rot_z(np.radians(turn_out_deg) * SIGN[side]), heel, pitch=False
            )
        if roll_out_deg:
            outer = self.foot_point(foot, side, self.outer_ref[side])
            axis = foot.rotation @ self.foot_dir_ref[side]
            R = axis_angle(axis, np.radians(roll_out_deg))
            inner = self.foot_point(foot, side, self.inner_ref[side])
            if (R @ (inner - outer))[2] < 0:  # the inner edge must come up
                R = R.T
            foot = foot.rotated_about(R, outer, pitch=False)
        if heel_lift_m > 0:
            ball = self.foot_point(foot, side, self.ball_ref[side])
            heel = self.foot_point(foot, side, self.heel_ref[side])
            lever = float(np.linalg.norm(heel - ball))
            axis = np.cross(foot.flat_rotation @ self.foot_dir_ref[side], UP)
            R = axis_angle(axis, np.arcsin(min(heel_lift_m / lever, 0.999)))
            if (R @ (heel - ball))[2] < 0:  # the heel must come up
                R = R.T
            foot = foot.rotated_about(R, ball, pitch=True)
        return foot

    # ----- legs -------------------------------------------------------------------------

    def hips_world(
        self, root: NDArray[np.float64], root_rot: NDArray[np.float64]
    ) -> dict[str, NDArray[np.float64]]:
        return {s: root + root_rot @ (self.hip_ref[s] - self.root_ref) for s in SIDES}

    def toe_direction(self, side: str) -> NDArray[np.float64]:
        """Horizontal heel-to-toe direction of the standing foot (turn-out included)."""
        toes = self.stance_feet[side].flat_rotation @ self.foot_dir_ref[side]
        return unit(np.array([toes[0], toes[1], 0.0]))

    def knee_pole(
        self, side: str, hip: NDArray[np.float64], ankle: NDArray[np.float64], valgus_deg: float
    ) -> NDArray[np.float64]:
        """The direction, perpendicular to the hip-ankle line, the knee bends toward.

        Clean: the knee tracks over the toes, i.e. seen from above it lies on the line of
        the standing foot (heel to second toe). Knee valgus swings it medially about the
        hip-ankle line by `valgus_deg`.
        """
        axis = unit(ankle - hip)
        toes = self.toe_direction(side)
        e1 = unit(toes - np.dot(toes, axis) * axis)
        e2 = np.cross(axis, e1)
        d = float(np.linalg.norm(ankle - hip))
        d = min(
            max(d, abs(self.thigh_len - self.shin_len) + 1e-6),
            self.thigh_len + self.shin_len - 1e-6,
        )
        along = (self.thigh_len**2 - self.shin_len**2 + d**2) / (2.0 * d)
        height = np.sqrt(max(self.thigh_len**2 - along**2, 0.0))
        bend = e1
        if height > 0.01:
            psi = np.radians(np.arange(-80.0, 80.25, 0.25))
            dirs = np.cos(psi)[:, None] * e1 + np.sin(psi)[:, None] * e2
            knees = hip + along * axis + height * dirs
            rel = knees[:, :2] - ankle[:2]
            off_line = np.abs(rel[:, 0] * toes[1] - rel[:, 1] * toes[0])
            bend = dirs[int(np.argmin(off_line))]
        if valgus_deg:
            turn = np.radians(valgus_deg)
            options = [axis_angle(axis, turn) @ bend, axis_angle(axis, -turn) @ bend]
            bend = min(options, key=lambda b: SIGN[side] * b[0])  # medial = toward the midline
        return bend

    def solve_leg(
        self,
        side: str,
        hip: NDArray[np.float64],
        ankle: NDArray[np.float64],
        pole: NDArray[np.float64],
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Knee position and the thigh and shin rotations for one leg."""
        knee = two_bone_ik(hip, ankle, self.thigh_len, self.shin_len, pole)
        axis = unit(ankle - hip)
        points = knee - hip - np.dot(knee - hip, axis) * axis
        points = (
            unit(points)
            if np.linalg.norm(points) > 1e-4
            else unit(pole - np.dot(pole, axis) * axis)
        )
        thigh_ref = self.knee_ref[side] - self.hip_ref[side]
        shin_ref = self.ankle_ref[side] - self.knee_ref[side]
        hinge_ref = np.cross(unit(thigh_ref), FORWARD)
        hinge = np.cross(unit(knee - hip), points)
        thigh_rot = align(thigh_ref, hinge_ref, knee - hip, hinge)
        shin_rot = align(shin_ref, hinge_ref, ankle - knee, hinge)
        return knee, thigh_rot, shin_rot

    # ----- whole frame ------------------------------------------------------------------

    def trunk_rotations(
        self, state: FrameState
    ) -> tuple[NDArray[np.float64], list[NDArray[np.float64]]]:
        """Root (pelvis) rotation and the five spine bones' world rotations."""
        lean = np.radians(state.trunk_deg)
        roll = np.radians(state.trunk_roll_deg)
        root_rot = rot_y(roll * 0.3) @ rot_x(lean * PELVIS_SHARE_OF_LEAN)
        spine = []
        for k in range(1, 6):
            f = PELVIS_SHARE_OF_LEAN + (1 - PELVIS_SHARE_OF_LEAN) * k / 5
            spine.append(rot_y(roll * (0.3 + 0.7 * k / 5)) @ rot_x(lean * f))
        return root_rot, spine

    def squat_root(
        self, state: FrameState, feet: dict[str, FootPose], root_rot: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Pelvis position from the planted ankles and the planned shin and thigh angles."""
        ankle_mid = (feet["left"].ankle + feet["right"].ankle) / 2
        # Sideways, centre over the stance, not over ankles a roll-out has moved outward.
        ankle_mid[0] = (self.stance_feet["left"].ankle[0] + self.stance_feet["right"].ankle[0]) / 2
        a, t = np.radians(state.shin_deg), np.radians(state.thigh_deg)
        knee = ankle_mid + self.shin_len * (np.sin(a) * FORWARD + np.cos(a) * UP)
        hip_mid = knee - self.thigh_len * (np.sin(t) * FORWARD - np.cos(t) * UP)
        hip_mid_ref = (self.hip_ref["left"] + self.hip_ref["right"]) / 2
        root = hip_mid - root_rot @ (hip_mid_ref - self.root_ref)
        # Close the loop in 3D: the legs are splayed, so nudge the pelvis height until the
        # mean thigh angle matches the plan.
        if state.depth > 0:
            for _ in range(DEPTH_ITERATIONS):
                hips = self.hips_world(root, root_rot)
                achieved = []
                for s in SIDES:
                    pole = self.knee_pole(s, hips[s], feet[s].ankle, 0.0)
                    knee_s = two_bone_ik(
                        hips[s], feet[s].ankle, self.thigh_len, self.shin_len, pole
                    )
                    achieved.append((knee_s[2] - hips[s][2]) / self.thigh_len)
                want = -np.cos(t)
                root = root + np.array(
                    [0, 0, 0.8 * self.thigh_len * (float(np.mean(achieved)) - want)]
                )
        root = root + np.array([state.shift_m, 0.0, 0.0])
        return root

    def lunge_root(
        self, state: FrameState, feet: dict[str, FootPose], root_rot: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Pelvis straight above the stance's hip line, lowered with depth."""
        e = self.stance.extras
        z = e["hip_top_z"] + (e["hip_bottom_z"] - e["hip_top_z"]) * state.depth
        hip_mid = np.array([0.0, e["hip_y"], z])
        hip_mid_ref = (self.hip_ref["left"] + self.hip_ref["right"]) / 2
        return (
            hip_mid - root_rot @ (hip_mid_ref - self.root_ref) + np.array([state.shift_m, 0.0, 0.0])
        )

    def frame(self, state: FrameState) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(B, 3, 3) world rotations and the (3,) root position for one frame.

        The trunk's inclination (hip centre to shoulder centre) is what the target names;
        the lean handed to the bones is corrected until the posed skeleton shows it.
        """
        lean = state.trunk_deg
        for _ in range(TRUNK_ITERATIONS):
            rotations, root = self._frame(state, lean)
            error = state.trunk_deg - self.trunk_inclination_deg(rotations, root)
            if abs(error) < 0.2:
                break
            lean += error
        return rotations, root

    def trunk_inclination_deg(
        self, rotations: NDArray[np.float64], root: NDArray[np.float64]
    ) -> float:
        """Forward inclination of the hip-centre-to-shoulder-centre line, degrees."""
        j = self.body.joint_positions(rotations, root)
        idx = self.body.bone_index
        hip = (j[idx["upperleg01.L"]] + j[idx["upperleg01.R"]]) / 2
        sh = (j[idx["upperarm01.L"]] + j[idx["upperarm01.R"]]) / 2
        trunk = sh - hip
        return float(np.degrees(np.arctan2(-trunk[1], trunk[2])))

    def _frame(
        self, state: FrameState, lean_deg: float
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        b = self.body
        state = replace(state, trunk_deg=lean_deg)
        rot: dict[str, NDArray[np.float64]] = {}
        feet = {}
        for i, s in enumerate(SIDES):
            lift = state.heel_lift_m[i]
            if self.movement is Movement.LUNGE and s != self.stance.front:
                lever = float(np.linalg.norm(self.heel_ref[s] - self.ball_ref[s]))
                lift = lever * np.sin(np.radians(state.back_foot_pitch_deg))
            feet[s] = self.foot_pose(s, state.turn_out_deg[i], state.roll_out_deg[i], lift)
        root_rot, spine = self.trunk_rotations(state)
        if self.movement is Movement.LUNGE:
            root = self.lunge_root(state, feet, root_rot)
        else:
            root = self.squat_root(state, feet, root_rot)
        rot["root"] = root_rot
        for i, name in enumerate(["spine05", "spine04", "spine03", "spine02", "spine01"]):
            rot[name] = spine[i]
        hips = self.hips_world(root, root_rot)
        for i, s in enumerate(SIDES):
            sfx = SUFFIX[s]
            rot["pelvis" + sfx] = root_rot
            pole = self.knee_pole(s, hips[s], feet[s].ankle, state.valgus_deg[i])
            _, thigh, shin = self.solve_leg(s, hips[s], feet[s].ankle, pole)
            rot["upperleg01" + sfx] = rot["upperleg02" + sfx] = thigh
            rot["lowerleg01" + sfx] = rot["lowerleg02" + sfx] = shin
            rot["foot" + sfx] = feet[s].rotation
            for toe in range(1, 6):
                rot[f"toe{toe}-1{sfx}"] = feet[s].flat_rotation
        # Neck and head lean less than the trunk, so the gaze stays ahead rather than down.
        lean = np.radians(state.trunk_deg)
        roll = np.radians(state.trunk_roll_deg)
        rot["neck01"] = rot_y(roll * 0.6) @ rot_x(lean * 0.7)
        rot["head"] = rot_y(roll * 0.3) @ rot_x(lean * 0.35)
        for i, s in enumerate(SIDES):
            sfx = SUFFIX[s]
            lateral = SIGN[s] * np.array([1.0, 0.0, 0.0])
            arm_len = float(np.linalg.norm(self.shoulder_ref[s] - self.clavicle_ref[s]))
            shrug = np.arcsin(min(state.shrug_m[i] / arm_len, 0.9))
            rot["clavicle" + sfx] = spine[-1] @ axis_angle(np.cross(lateral, UP), shrug)
        full = b.expand_rotations(rot)
        joints = b.joint_positions(full, root)
        for s in SIDES:
            self._pose_arm(s, state, joints, root, root_rot, rot)
        full = b.expand_rotations(rot)
        return full, root

    def _pose_arm(
        self,
        side: str,
        state: FrameState,
        joints: NDArray[np.float64],
        root: NDArray[np.float64],
        root_rot: NDArray[np.float64],
        rot: dict[str, NDArray[np.float64]],
    ) -> None:
        sfx = SUFFIX[side]
        upper_ref = self.elbow_ref[side] - self.shoulder_ref[side]
        fore_ref = self.wrist_ref[side] - self.elbow_ref[side]
        hinge_ref = unit(np.cross(upper_ref, fore_ref))
        lateral = SIGN[side] * np.array([1.0, 0.0, 0.0])
        if state.arms == "hips":
            shoulder = joints[self.body.bone_index["upperarm01" + sfx]]
            # Hand on the top of the pelvis (iliac crest), at its side.
            hip = root + root_rot @ (self.hip_ref[side] - self.root_ref)
            wrist = hip + root_rot @ (lateral * 0.075 + np.array([0.0, 0.01, 0.13]))
            upper_len = float(np.linalg.norm(upper_ref))
            fore_len = float(np.linalg.norm(fore_ref))
            pole = unit(lateral + np.array([0.0, 0.9, 0.0]))  # elbow out and back
            elbow = two_bone_ik(shoulder, wrist, upper_len, fore_len, pole)
            upper, fore = elbow - shoulder, wrist - elbow
            hinge = unit(np.cross(upper, fore))
        else:
            if state.arms == "overhead":
                a = np.radians(state.arms_from_vertical_deg)
                spread = np.radians(12.0)
                direction = np.sin(a) * FORWARD + np.cos(a) * UP
                direction = unit(direction + np.tan(spread) * lateral)
                # Elbow flexion would take the hand backward (arm vertical) or up (arm forward).
                bend = unit(-FORWARD * np.cos(a) + UP * np.sin(a))
            else:  # forward, at about shoulder height
                direction = unit(FORWARD + np.array([0.0, 0.0, -0.08]) - 0.05 * lateral)
                bend = UP
            upper = fore = direction
            hinge = unit(np.cross(direction, bend))
        upper_rot = align(upper_ref, hinge_ref, upper, hinge)
        fore_rot = align(fore_ref, hinge_ref, fore, hinge)
        rot["upperarm01" + sfx] = rot["upperarm02" + sfx] = upper_rot
        rot["lowerarm01" + sfx] = rot["lowerarm02" + sfx] = fore_rot


BACK_KNEE_HEIGHT_M = 0.10
"""Back knee joint centre above the floor at the bottom: the kneecap a few cm off the floor."""


def plan_lunge_stance(body: Body, half_width_m: float, turn_out_deg: float, front: str) -> Stance:
    """A split stance whose bottom has the front thigh horizontal, the front shin a little
    forward of vertical, and the back knee just above the floor; the top is as tall as the
    legs allow with both feet planted."""
    extras = {"front_y": -0.35, "back_y": 0.0, "hip_y": 0.0, "hip_top_z": 0.0, "hip_bottom_z": 0.0}
    p = Poser(body, Movement.LUNGE, Stance(half_width_m, turn_out_deg, front, dict(extras)))
    back = "right" if front == "left" else "left"
    front_shin = np.radians(LUNGE_FRONT_SHIN_DEG)
    ankle_f = p.stance_feet[front].ankle
    knee_f = ankle_f + p.shin_len * np.array([0.0, -np.sin(front_shin), np.cos(front_shin)])
    hip_f_x = SIGN[front] * abs(p.hip_ref[front][0])
    thigh_y = np.sqrt(max(p.thigh_len**2 - (hip_f_x - knee_f[0]) ** 2, 0.0))
    hip_y = float(knee_f[1] + thigh_y)
    hip_bottom_z = float(knee_f[2])
    lever = float(np.linalg.norm(p.heel_ref[back] - p.ball_ref[back]))

    def back_foot(back_y: float, pitch_deg: float) -> FootPose:
        flat = p.stance_feet[back]
        p.stance_feet[back] = FootPose(
            flat.rotation, np.array([flat.ankle[0], back_y, flat.ankle[2]]), flat.flat_rotation
        )
        return p.foot_pose(back, 0.0, 0.0, lever * np.sin(np.radians(pitch_deg)))

    # Walk the back foot backwards from under the hip until the back knee is low enough.
    # (The knee height is not monotonic in the foot position: it is lowest with the thigh
    # vertical, and rises again as the leg straightens, so a bisection would be wrong.)
    hip_b = np.array([SIGN[back] * abs(p.hip_ref[back][0]), hip_y, hip_bottom_z])
    best_y, best_z = hip_y, np.inf
    for back_y in np.arange(hip_y - 0.1, hip_y + 0.8, 0.002):
        ankle_b = back_foot(float(back_y), BACK_FOOT_PITCH_DEG[1]).ankle
        knee_z = two_bone_ik(
            hip_b, ankle_b, p.thigh_len, p.shin_len, p.knee_pole(back, hip_b, ankle_b, 0.0)
        )[2]
        if knee_z < best_z:
            best_y, best_z = float(back_y), float(knee_z)
        if knee_z <= BACK_KNEE_HEIGHT_M:
            best_y = float(back_y)
            break
    extras.update(back_y=best_y, hip_y=hip_y, hip_bottom_z=hip_bottom_z)
    reach = 0.975 * (p.thigh_len + p.shin_len)
    tops = []
    for side, ankle in ((front, ankle_f), (back, back_foot(best_y, BACK_FOOT_PITCH_DEG[0]).ankle)):
        hip_xy = np.array([SIGN[side] * abs(p.hip_ref[side][0]), hip_y])
        dxy = float(np.linalg.norm(ankle[:2] - hip_xy))
        tops.append(ankle[2] + np.sqrt(max(reach**2 - dxy**2, 0.0)))
    extras["hip_top_z"] = float(min(tops))
    return Stance(half_width_m, turn_out_deg, front, extras)
