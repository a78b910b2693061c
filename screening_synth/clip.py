"""Render one labelled clip: an H.264 MP4, its `.truth.npz`, and its label record.

Why PyAV: OpenCV's wheels cannot encode H.264, and browsers will not play mp4v. PyAV's
wheels bundle libx264; yuv420p + faststart makes the files play in any browser.
Everything is drawn from `ClipSpec.seed`, so a spec always gives the same clip.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from screening.core.codes import CHECKS_FOR_MOVEMENT, VIEWS_THAT_SEE, Movement, View
from screening_synth.appearance import (
    Look,
    background,
    contact_shadow,
    light_direction,
    region_colors,
)
from screening_synth.body import Body, Phenotype
from screening_synth.camera import CAMERA_HEIGHTS_M, Camera
from screening_synth.faults import Fault
from screening_synth.motion import Stance, Timing, depth_profile, lunge_states, squat_states
from screening_synth.posing import Poser, plan_lunge_stance
from screening_synth.raster import finish, render_mesh
from screening_synth.truth import landmarks_world, rep_measurements

FPS = 30.0
CRF = 23
"""x264 quality: the flat-shaded renders compress well, ~0.1-0.3 MB for a 10 s 640x480 clip."""
FIT_MARGIN = 0.06
"""Fraction of the image height kept clear around the body at its widest pose."""

YAW_RANGES: dict[View, tuple[float, float]] = {
    View.FRONT: (-6.0, 6.0),
    View.SIDE_LEFT: (84.0, 96.0),
    View.SIDE_RIGHT: (-96.0, -84.0),
    View.OBLIQUE: (38.0, 52.0),  # the side (front-left or front-right) is drawn too
}


@dataclass(frozen=True)
class ClipSpec:
    """What to render. `name` is the file stem; faults empty means a clean movement."""

    name: str
    movement: Movement
    view: View
    faults: tuple[Fault, ...] = ()
    seed: int = 0
    n_reps: int | None = None  # None: drawn (2 or 3)
    front_leg: str | None = None  # lunge only; None: drawn
    camera_heights_m: tuple[float, float] = CAMERA_HEIGHTS_M
    """The camera's height is drawn from this range (training clips widen it)."""
    front_yaw_deg: tuple[float, float] | None = None
    """Front views only: draw the camera's angle off the person's front from this range of
    magnitudes, either side (held-out sets filmed a little off the front); None keeps
    YAW_RANGES."""
    yaw_deg: tuple[float, float] | None = None
    """Any view: draw the camera's signed yaw (see `camera`) from this range, overriding
    YAW_RANGES and front_yaw_deg; the caller names the view that yaw belongs to."""
    wide: bool = False
    """Squats: draw the clean bottom shape from `motion.wide_shape` (held-out sets)."""


def assessable(movement: Movement, view: View) -> list[str]:
    """Checks of `movement` that `view` can see (vocabulary.VIEWS_THAT_SEE)."""
    return [str(c) for c in CHECKS_FOR_MOVEMENT[movement] if view in VIEWS_THAT_SEE[c]]


def fit_camera(
    points: NDArray[np.floating], yaw_deg: float, height_m: float, rng: np.random.Generator
) -> Camera:
    """The nearest camera at this yaw and height that keeps every point in frame with a
    margin, then stepped back a little (by a random 0-8%) as a person would."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    target = (float((lo[0] + hi[0]) / 2), float((lo[1] + hi[1]) / 2))
    look = float((lo[2] + hi[2]) / 2)

    def fits(d: float) -> bool:
        cam = Camera(
            yaw_deg=yaw_deg, height_m=height_m, distance_m=d, look_height_m=look, target_xy=target
        )
        px = cam.project(points)
        m = FIT_MARGIN * cam.height
        return bool(
            (px[:, 0] > m).all()
            and (px[:, 0] < cam.width - m).all()
            and (px[:, 1] > m).all()
            and (px[:, 1] < cam.height - m).all()
        )

    near, far = 1.0, 12.0
    for _ in range(30):
        mid = (near + far) / 2
        near, far = (near, mid) if fits(mid) else (mid, far)
    return Camera(
        yaw_deg=yaw_deg,
        height_m=height_m,
        distance_m=far * float(rng.uniform(1.0, 1.08)),
        look_height_m=look,
        target_xy=target,
    )


@dataclass
class RenderedClip:
    """Everything a clip produced, before or after writing."""

    frames: list[NDArray[np.uint8]]
    image_xy: NDArray[np.float32]
    world_xyz: NDArray[np.float32]
    label: dict[str, object]


def simulate(spec: ClipSpec, render: bool | list[int] = True) -> RenderedClip:
    """Pose, render and label one clip in memory.

    render: True for every frame, False for none (truth only), or a list of frame indices
    (for previews); `frames` then holds just those.
    """
    rng = np.random.default_rng(spec.seed)
    phenotype = Phenotype.sample(rng)
    body = Body(phenotype)
    n_reps = spec.n_reps or int(rng.choice([2, 3]))
    timing = Timing.sample(rng, n_reps)
    depth, reps = depth_profile(timing, FPS)
    faults = list(spec.faults)
    shoulder_width = float(np.linalg.norm(body.head("upperarm01.L") - body.head("upperarm01.R")))
    if spec.movement is Movement.LUNGE:
        drawn = str(rng.choice(["left", "right"]))
        # A sided lunge fault (the front knee caving) is on the front leg.
        sided = [str(f.side) for f in faults if str(f.side) in ("left", "right")]
        front = spec.front_leg or (sided[0] if sided else drawn)
        stance = plan_lunge_stance(
            body, float(rng.uniform(0.06, 0.09)), float(rng.uniform(3, 8)), front
        )
        states = lunge_states(faults, depth, reps, FPS, front, rng)
    else:
        stance = Stance(
            half_width_m=0.5 * shoulder_width * float(rng.uniform(0.95, 1.1)),
            turn_out_deg=float(rng.uniform(7, 14)),
        )
        states = squat_states(spec.movement, faults, depth, reps, rng, wide=spec.wide)
    poser = Poser(body, spec.movement, stance)
    rotations, roots = zip(*(poser.frame(s) for s in states), strict=True)
    posed = body.pose(np.array(rotations), np.array(roots))
    world = landmarks_world(body, posed.vertices, posed.joints)

    lo, hi = YAW_RANGES[spec.view]
    if spec.view is View.FRONT and spec.front_yaw_deg is not None:
        lo, hi = spec.front_yaw_deg
    yaw = float(rng.uniform(lo, hi))
    if (
        spec.view is View.OBLIQUE or (spec.view is View.FRONT and spec.front_yaw_deg)
    ) and rng.random() < 0.5:
        yaw = -yaw
    if spec.yaw_deg is not None:
        yaw = float(rng.uniform(*spec.yaw_deg))
    cam_height = float(rng.uniform(*spec.camera_heights_m))
    sample_pts = posed.vertices[::3, ::5].reshape(-1, 3)
    camera = fit_camera(sample_pts, yaw, cam_height, rng)
    image_xy = camera.project(world).astype(np.float32)

    look = Look.sample(rng)
    frames: list[NDArray[np.uint8]] = []
    if render:
        colors = region_colors(body, look, rng)
        light = light_direction(camera, look)
        room = background(camera, look, rng)
        which = range(len(states)) if render is True else render
        for i in which:
            verts = posed.vertices[i]
            img = contact_shadow(room.copy(), verts, camera)
            render_mesh(img, verts, body.faces, colors, camera, light)
            frames.append(finish(img, rng, look.noise_sigma))

    label: dict[str, object] = {
        "movement": str(spec.movement),
        "view": str(spec.view),
        "yaw_deg": round(yaw, 3),
        "camera": camera.as_dict(),
        "fps": FPS,
        "frames": len(states),
        "width": camera.width,
        "height": camera.height,
        "reps": [r.as_dict() for r in reps],
        "faults": [f.as_dict() for f in faults],
        "clean": not faults,
        "assessable": assessable(spec.movement, spec.view),
        "body": {
            **{k: round(v, 4) for k, v in phenotype.as_kwargs().items()},
            "height_m": round(body.height_m, 3),
        },
        "stance": {
            "half_width_m": round(stance.half_width_m, 4),
            "turn_out_deg": round(stance.turn_out_deg, 2),
            **({"front_leg": stance.front} if spec.movement is Movement.LUNGE else {}),
        },
        "look": look.as_dict(),
        "measured_at_bottom": [
            rep_measurements(world, r, stance.front if spec.movement is Movement.LUNGE else None)
            for r in reps
        ],
        "seed": spec.seed,
        "truth": f"{spec.name}.truth.npz",
    }
    return RenderedClip(
        frames=frames, image_xy=image_xy, world_xyz=world.astype(np.float32), label=label
    )


def write_mp4(
    path: Path, frames: list[NDArray[np.uint8]], fps: float = FPS, crf: int = CRF
) -> None:
    """Encode BGR frames as H.264 (yuv420p, faststart) with PyAV, single-threaded so the
    bytes are the same on every run."""
    import av

    with av.open(str(path), mode="w", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream("libx264", rate=round(fps))
        stream.width = frames[0].shape[1]
        stream.height = frames[0].shape[0]
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf), "preset": "medium", "threads": "1"}
        stream.codec_context.thread_count = 1
        for img in frames:
            frame = av.VideoFrame.from_ndarray(img, format="bgr24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def render_clip(spec: ClipSpec, out_dir: Path) -> tuple[dict[str, object], float]:
    """Render `spec` into `out_dir` as `<name>.mp4` + `<name>.truth.npz`.

    Returns the clip's label record and the seconds it took.
    """
    t0 = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    clip = simulate(spec)
    write_mp4(out_dir / f"{spec.name}.mp4", clip.frames)
    np.savez_compressed(
        out_dir / f"{spec.name}.truth.npz", image_xy=clip.image_xy, world_xyz=clip.world_xyz
    )
    return clip.label, time.perf_counter() - t0
