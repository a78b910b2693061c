"""What is being filmed: the movement, the camera view, the reps and a standing baseline.

Everything here is read from the landmarks, with the user's `--movement`/`--view` taking
precedence. The view comes from two estimates of how far the body is turned from the
camera: the direction of the shoulder and hip lines in MediaPipe's 3-D world landmarks
(accurate near the front), and how wide those lines look in the image compared with their
true width, which shrinks as cos(yaw) (sharp near the side).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from screening.core.codes import Movement, View
from screening.core.kinematics import distance, joint_angle_deg, midpoint, nanmedian, point
from screening.core.landmarks import Landmark as L
from screening.core.reps import Rep, find_reps, hip_drop_fraction
from screening.core.sequence import PoseSequence
from screening.core.settings import ContextSettings, RepSettings

_LEFT_SIDE = [L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE]
_RIGHT_SIDE = [L.RIGHT_SHOULDER, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE]


@dataclass(frozen=True)
class Baseline:
    """Standing frames just before a rep, and the image scale they give."""

    frames: np.ndarray
    px_per_m: float


@dataclass(frozen=True)
class Context:
    movement: Movement
    view: View
    yaw_deg: float
    reps: list[Rep]
    baselines: list[Baseline]
    standing: np.ndarray
    """(T,) True where the person stands upright (hips within a few % of standing height)."""
    drop: np.ndarray
    """(T,) the hip-drop signal the reps were found on, shot by shot
    (screening.core.reps.hip_drop_fraction)."""
    facing_sign: float
    """+1 when the person faces the image's +x (right), -1 when they face left."""
    lead_side: str | None
    """Lunge only: 'left' or 'right', the leg in front."""
    movement_detected: bool = True
    view_detected: bool = True
    shot_starts: tuple[int, ...] = ()
    """Frame positions where an edited video cuts to a new shot (see screening.core.shots)."""
    reps_cut: int = 0
    """Reps left out because a cut runs through them."""
    unscreened: str | None = None
    """When the reps are of a movement the screen does not judge (a side lunge, a hip
    hinge): what it looks like, in words. Every check is then not assessable."""


def leg_length_m(seq: PoseSequence, frames: np.ndarray) -> float:
    """Median hip-knee-ankle length from the world landmarks, both legs (metres)."""
    w = seq.world[frames]
    legs = [
        distance(point(w, h), point(w, k)) + distance(point(w, k), point(w, a))
        for h, k, a in (
            (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
            (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE),
        )
    ]
    return float(nanmedian(np.concatenate(legs)))


def world_yaw_deg(seq: PoseSequence, frames: np.ndarray) -> float:
    """Body turn from the 3-D direction of the shoulder and hip lines (0 front, 90 side)."""
    w = seq.world[frames]
    angles = []
    for a, b in ((L.LEFT_SHOULDER, L.RIGHT_SHOULDER), (L.LEFT_HIP, L.RIGHT_HIP)):
        d = point(w, b) - point(w, a)
        angles.append(np.degrees(np.arctan2(np.abs(d[:, 2]), np.abs(d[:, 0]))))
    return float(nanmedian(np.concatenate(angles)))


def image_yaw_deg(seq: PoseSequence, frames: np.ndarray) -> float:
    """Body turn from how narrow the shoulders and hips look against their true width."""
    img, w = seq.image[frames], seq.world[frames]
    torso_px = distance(
        midpoint(img, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)[:, :2],
        midpoint(img, L.LEFT_HIP, L.RIGHT_HIP)[:, :2],
    )
    torso_m = distance(
        midpoint(w, L.LEFT_SHOULDER, L.RIGHT_SHOULDER), midpoint(w, L.LEFT_HIP, L.RIGHT_HIP)
    )
    ratios = []
    for a, b in ((L.LEFT_SHOULDER, L.RIGHT_SHOULDER), (L.LEFT_HIP, L.RIGHT_HIP)):
        width_px = np.abs(point(img, a)[:, 0] - point(img, b)[:, 0])
        width_m = distance(point(w, a), point(w, b))
        ratios.append((width_px / torso_px) / (width_m / torso_m))
    cos_yaw = float(nanmedian(np.concatenate(ratios)))
    return float(np.degrees(np.arccos(np.clip(cos_yaw, 0.0, 1.0))))


def classify_view(
    seq: PoseSequence, frames: np.ndarray, settings: ContextSettings
) -> tuple[View, float]:
    """The camera view and the body's turn from the camera in degrees.

    Front when the 3-D shoulder/hip lines face the camera; side when either estimate puts
    the body near 90 degrees; oblique in between. For a side view, the nearer side is the
    one MediaPipe places closer to the camera (smaller world z).
    """
    yaw = world_yaw_deg(seq, frames)
    if yaw < settings.front_max_yaw_deg:
        return View.FRONT, yaw
    if max(yaw, image_yaw_deg(seq, frames)) < settings.side_min_yaw_deg:
        return View.OBLIQUE, yaw
    z_left = nanmedian(seq.world[frames][:, _LEFT_SIDE, 2])
    z_right = nanmedian(seq.world[frames][:, _RIGHT_SIDE, 2])
    return (View.SIDE_LEFT if z_left < z_right else View.SIDE_RIGHT), yaw


def _lunge_evidence(
    seq: PoseSequence, reps: list[Rep], standing: np.ndarray
) -> tuple[float, float, str]:
    """(knee gap, stagger, lead leg) at the bottoms of the reps.

    knee gap: how much lower one knee is than the other (the back knee drops toward the
    floor in a lunge; in a squat both knees are level). stagger: how far apart the ankles
    are along the image (from the side the lunge's feet are a stride apart; from the front
    that is just the stance width, so only the knee gap counts there). Both are fractions of
    the standing leg's image height.
    """
    img = seq.image
    leg_px = float(
        nanmedian(
            img[standing][:, [L.LEFT_ANKLE, L.RIGHT_ANKLE], 1]
            - img[standing][:, [L.LEFT_HIP, L.RIGHT_HIP], 1]
        )
    )
    bottoms = np.array([r.bottom for r in reps], dtype=int)
    knee_gap = float(nanmedian(img[bottoms, L.LEFT_KNEE, 1] - img[bottoms, L.RIGHT_KNEE, 1]))
    stagger = float(
        nanmedian(np.abs(img[bottoms, L.LEFT_ANKLE, 0] - img[bottoms, L.RIGHT_ANKLE, 0]))
    )
    lead = "right" if knee_gap > 0 else "left"  # the back knee is the lower one
    return abs(knee_gap) / leg_px, stagger / leg_px, lead


def bar_on_back(seq: PoseSequence, standing: np.ndarray, settings: ContextSettings) -> bool:
    """Do the hands hold a bar across the upper back while standing? Read in the pose
    model's 3-D body frame (metres, y down): a grip wider than the shoulders, the wrists at
    shoulder height and not ahead of the shoulders (the way the nose faces is ahead)."""
    frames = np.flatnonzero(standing)
    if len(frames) == 0:
        return False
    w = seq.world[frames]
    shoulders = midpoint(w, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    wrists = midpoint(w, L.LEFT_WRIST, L.RIGHT_WRIST)
    shoulder_width = distance(point(w, L.LEFT_SHOULDER), point(w, L.RIGHT_SHOULDER))
    grip = distance(point(w, L.LEFT_WRIST), point(w, L.RIGHT_WRIST)) / shoulder_width
    above = shoulders[:, 1] - wrists[:, 1]
    # Ahead: level and square to the shoulder line, toward the nose.
    line = point(w, L.RIGHT_SHOULDER) - point(w, L.LEFT_SHOULDER)
    ahead = np.stack([-line[:, 2], np.zeros(len(line)), line[:, 0]], axis=1)
    ahead /= np.linalg.norm(ahead, axis=1, keepdims=True)
    nose = point(w, L.NOSE) - shoulders
    ahead *= np.sign(np.sum(nose * ahead, axis=1))[:, None]
    forward = np.sum((wrists - shoulders) * ahead, axis=1)
    readings = [float(nanmedian(x)) for x in (grip, above, forward)]
    if not all(np.isfinite(readings)):
        return False
    grip_m, above_m, forward_m = readings
    return (
        grip_m >= settings.bar_grip_min_shoulder_widths
        and settings.bar_hands_lowest_m <= above_m <= settings.bar_hands_highest_m
        and forward_m <= settings.bar_hands_forward_max_m
    )


def classify_movement(
    seq: PoseSequence, reps: list[Rep], standing: np.ndarray, view: View, settings: ContextSettings
) -> tuple[Movement, str | None]:
    """Lunge when the stance is split; back squat when the hands hold a bar on the upper
    back; overhead squat when the wrists stay above the head; otherwise deep squat. Also
    returns the lunge's lead leg."""
    if reps:
        knee_gap, stagger, lead = _lunge_evidence(seq, reps, standing)
        split = knee_gap > settings.lunge_knee_gap_fraction
        if view is not View.FRONT:
            # From the side one knee may be hidden and misplaced: ask for a stride as well.
            split = stagger > settings.lunge_stagger_fraction or (
                split and stagger > settings.lunge_stagger_fraction / 2
            )
        if split:
            return Movement.LUNGE, lead
    if bar_on_back(seq, standing, settings):
        return Movement.BACK_SQUAT, None
    img = seq.image
    head_y = img[:, L.NOSE, 1]
    wrists_y = np.maximum(img[:, L.LEFT_WRIST, 1], img[:, L.RIGHT_WRIST, 1])
    valid = np.isfinite(wrists_y) & np.isfinite(head_y)
    if valid.any() and (wrists_y[valid] < head_y[valid]).mean() > settings.overhead_fraction:
        return Movement.OVERHEAD_SQUAT, None
    return Movement.DEEP_SQUAT, None


def knee_flexion_deg(seq: PoseSequence, frames: np.ndarray, side: str) -> np.ndarray:
    """(len(frames),) knee flexion in the 3-D body frame: 0 = straight leg."""
    hip, knee, ankle = (L[f"{side.upper()}_{part}"] for part in ("HIP", "KNEE", "ANKLE"))
    w = seq.world[frames]
    return 180.0 - joint_angle_deg(point(w, hip), point(w, knee), point(w, ankle))


def trunk_pitch_deg(seq: PoseSequence, frames: np.ndarray) -> np.ndarray:
    """(len(frames),) the trunk's tilt from vertical (mid-hip -> mid-shoulder), 3-D."""
    w = seq.world[frames]
    up = midpoint(w, L.LEFT_SHOULDER, L.RIGHT_SHOULDER) - midpoint(w, L.LEFT_HIP, L.RIGHT_HIP)
    # The world frame's y points down along gravity (for a level camera).
    cos = -up[:, 1] / np.linalg.norm(up, axis=-1)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def unscreened_movement(
    seq: PoseSequence, reps: list[Rep], settings: ContextSettings
) -> str | None:
    """What the reps look like when they are not a squat or a forward lunge, else None.

    Judged by the knees in the body's own frame at the bottoms, so the camera's place does
    not matter: the squats and the forward lunge bend both knees; a side lunge or a
    single-leg squat bends one and keeps the other straight; a hip hinge bends neither while
    the trunk tips forward. Scoring those with squat criteria gives confident nonsense (a
    side lunge's straight leg reads as a collapsing knee).
    """
    if not reps:
        return None
    bottoms = np.array([r.bottom for r in reps], dtype=int)
    flex = np.stack([knee_flexion_deg(seq, bottoms, s) for s in ("left", "right")])
    straighter = float(nanmedian(np.nanmin(flex, axis=0)))
    bent = float(nanmedian(np.nanmax(flex, axis=0)))
    if not (np.isfinite(straighter) and np.isfinite(bent)):
        return None
    if straighter <= settings.straight_knee_max_deg and bent >= settings.bent_knee_min_deg:
        w = seq.world[bottoms]
        stance = distance(point(w, L.LEFT_ANKLE), point(w, L.RIGHT_ANKLE))
        hips = distance(point(w, L.LEFT_HIP), point(w, L.RIGHT_HIP))
        if float(nanmedian(stance / hips)) >= settings.side_lunge_stance_hip_widths:
            return "a side lunge (one leg bends while the other stays straight, feet wide)"
        return "a single-leg squat or step (one leg bends while the other stays straight)"
    trunk = float(nanmedian(trunk_pitch_deg(seq, bottoms)))
    if bent <= settings.straight_knee_max_deg and trunk >= settings.hinge_trunk_min_deg:
        return "a hip hinge (the trunk tips forward while the knees hardly bend)"
    return None


def facing_sign(seq: PoseSequence, frames: np.ndarray) -> float:
    """Which way the person faces in the image: toes point ahead of the heels."""
    img = seq.image[frames]
    dx = np.concatenate(
        [
            point(img, L.LEFT_FOOT_INDEX)[:, 0] - point(img, L.LEFT_HEEL)[:, 0],
            point(img, L.RIGHT_FOOT_INDEX)[:, 0] - point(img, L.RIGHT_HEEL)[:, 0],
        ]
    )
    nose_dx = point(img, L.NOSE)[:, 0] - midpoint(img, L.LEFT_EAR, L.RIGHT_EAR)[:, 0]
    total = float(np.nansum(np.sign(dx))) + float(np.nansum(np.sign(nose_dx)))
    return 1.0 if total >= 0 else -1.0


def baselines(
    seq: PoseSequence,
    reps: list[Rep],
    standing: np.ndarray,
    settings: ContextSettings,
    shot_starts: tuple[int, ...] = (),
) -> list[Baseline]:
    """Standing frames before each rep (the last `baseline_s` of standing before its start).

    When a rep starts straight away, the standing frames nearest to it are used instead,
    always from the rep's own shot when the video is edited. The scale px_per_m is the
    standing leg's image height over its true length.
    """
    rate = seq.fps if seq.fps > 0 else 30.0
    n = max(3, int(settings.baseline_s * rate))
    stand_idx = np.flatnonzero(standing)
    leg_m = leg_length_m(seq, stand_idx)
    out = []
    previous_end = 0
    for rep in reps:
        shot_lo = max((c for c in shot_starts if c <= rep.start), default=0)
        shot_hi = min((c for c in shot_starts if c > rep.end), default=len(seq))
        in_shot = stand_idx[(stand_idx >= shot_lo) & (stand_idx < shot_hi)]
        before = in_shot[(in_shot >= previous_end) & (in_shot <= rep.start)]
        if len(before) == 0 and len(in_shot):
            before = in_shot[np.argsort(np.abs(in_shot - rep.start))[:n]]
        frames = np.sort(before[-n:]) if len(before) else np.array([rep.start])
        img = seq.image[frames]
        # A standing leg is vertical, so its image length is not shortened by the camera's
        # angle around the person: image length over true length is the image scale.
        leg_px = nanmedian(
            np.concatenate(
                [
                    distance(point(img, h)[:, :2], point(img, k)[:, :2])
                    + distance(point(img, k)[:, :2], point(img, a)[:, :2])
                    for h, k, a in (
                        (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
                        (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE),
                    )
                ]
            )
        )
        out.append(Baseline(frames=frames, px_per_m=float(leg_px) / leg_m))
        previous_end = rep.end
    return out


def build_context(
    seq: PoseSequence,
    rep_settings: RepSettings,
    settings: ContextSettings,
    movement: str | None = None,
    view: str | None = None,
    shot_starts: list[int] | None = None,
) -> Context:
    """Work out movement, view, reps and baselines; user-given movement/view win.

    shot_starts: where an edited video cuts to another shot (found on the unsmoothed
    landmarks, see screening.core.shots); reps a cut runs through are left out.
    """
    cuts = tuple(shot_starts or ())
    drop = hip_drop_fraction(seq, cuts, rep_settings.standing_reference_s)
    found = find_reps(seq, rep_settings, cuts, drop)
    whole = [r for r in found if r.whole]
    reps = [replace(r, index=i) for i, r in enumerate(whole)]
    standing = np.isfinite(drop) & (drop < settings.standing_drop_fraction)
    if not standing.any():
        standing = np.isfinite(drop) & (drop <= nanmedian(drop))
    frames = np.flatnonzero(standing)
    found_view, yaw = classify_view(seq, frames, settings)
    chosen_view = View(view) if view else found_view
    found_movement, lead = classify_movement(seq, reps, standing, chosen_view, settings)
    chosen_movement = Movement(movement) if movement else found_movement
    if chosen_movement is Movement.LUNGE and lead is None and reps:
        lead = _lunge_evidence(seq, reps, standing)[2]
    return Context(
        movement=chosen_movement,
        view=chosen_view,
        yaw_deg=yaw,
        reps=reps,
        baselines=baselines(seq, reps, standing, settings, cuts),
        standing=standing,
        drop=drop,
        facing_sign=facing_sign(seq, frames),
        lead_side=lead if chosen_movement is Movement.LUNGE else None,
        movement_detected=movement is None,
        view_detected=view is None,
        shot_starts=cuts,
        reps_cut=len(found) - len(whole),
        unscreened=unscreened_movement(seq, reps, settings),
    )
