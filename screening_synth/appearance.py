"""How one clip looks: clothing, skin and hair colours, the room, the light, the noise.

Why vary these: a pose estimator must not learn (or be tested on) one colour scheme. Every
choice is drawn from the clip's random generator, so a seed reproduces the clip exactly.
Colours are BGR (OpenCV order), 0..255.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from screening_synth.body import Body
from screening_synth.camera import Camera

SKIN_TONES = [
    (189, 214, 241),
    (160, 190, 228),
    (122, 160, 205),
    (95, 130, 176),
    (66, 96, 141),
    (48, 70, 105),
]
HAIR = [(20, 20, 25), (25, 45, 70), (40, 75, 120), (110, 160, 200), (150, 150, 155)]
SHIRTS = [
    (60, 60, 200),
    (180, 90, 40),
    (60, 160, 60),
    (40, 40, 40),
    (200, 200, 205),
    (30, 140, 220),
    (120, 50, 120),
    (140, 120, 40),
    (70, 70, 140),
]
PANTS = [
    (50, 40, 30),
    (90, 60, 40),
    (40, 40, 45),
    (130, 110, 90),
    (60, 90, 120),
    (80, 80, 85),
    (120, 60, 30),
]
SHOES = [(235, 235, 235), (30, 30, 30), (40, 40, 160), (160, 100, 40), (90, 90, 90)]
WALLS = [
    (215, 220, 225),
    (190, 205, 215),
    (200, 200, 190),
    (170, 185, 200),
    (150, 160, 150),
    (215, 200, 180),
    (120, 130, 140),
]
FLOORS = [
    (80, 110, 140),
    (60, 80, 110),
    (130, 130, 130),
    (95, 95, 100),
    (120, 150, 175),
    (70, 90, 80),
]


@dataclass(frozen=True)
class Look:
    """The drawn choices for one clip."""

    skin: tuple[int, int, int]
    hair: tuple[int, int, int]
    shirt: tuple[int, int, int]
    pants: tuple[int, int, int]
    shoes: tuple[int, int, int]
    sleeves: str  # "short" | "long"
    legs: str  # "long" | "shorts"
    wall: tuple[int, int, int]
    floor: tuple[int, int, int]
    wall_distance_m: float
    light_yaw_deg: float  # relative to the camera direction
    light_elevation_deg: float
    noise_sigma: float

    @classmethod
    def sample(cls, rng: np.random.Generator) -> Look:
        def pick(options: list[tuple[int, int, int]]) -> tuple[int, int, int]:
            return options[int(rng.integers(len(options)))]

        def far_from(
            options: list[tuple[int, int, int]], *others: tuple[int, int, int]
        ) -> tuple[int, int, int]:
            """A colour that stands apart from `others`, so garment edges stay visible."""
            ok = [c for c in options if all(np.abs(np.subtract(c, o)).sum() > 90 for o in others)]
            return pick(ok or options)

        skin = pick(SKIN_TONES)
        shirt = far_from(SHIRTS, skin)
        pants = far_from(PANTS, skin, shirt)
        wall = pick(WALLS)
        floor = far_from(FLOORS, pants)
        # Shoes must stand out from the trousers and the floor, or a rolling foot is lost.
        shoes = far_from(SHOES, pants, floor, skin)
        return cls(
            skin=skin,
            hair=pick(HAIR),
            shirt=shirt,
            pants=pants,
            shoes=shoes,
            sleeves=str(rng.choice(["short", "long"])),
            legs=str(rng.choice(["long", "long", "shorts"])),
            wall=wall,
            floor=floor,
            wall_distance_m=float(rng.uniform(1.2, 2.8)),
            light_yaw_deg=float(rng.uniform(-60, 60)),
            light_elevation_deg=float(rng.uniform(30, 65)),
            noise_sigma=float(rng.uniform(1.5, 3.5)),
        )

    def as_dict(self) -> dict[str, object]:
        return {
            k: (list(v) if isinstance(v, tuple) else round(v, 3) if isinstance(v, float) else v)
            for k, v in self.__dict__.items()
        }


def region_colors(body: Body, look: Look, rng: np.random.Generator) -> NDArray[np.float64]:
    """(F, 3) base colour of every face: shirt, trousers or shorts, shoes, skin, hair, eyes.

    Regions come from the bone that moves each vertex most, cut along the limbs by position
    in the reference pose (sleeve and trouser lengths).
    """
    v = body.ref_vertices
    labels = np.array(body.bone_labels)[body.vertex_bone]
    colors = np.tile(np.array(look.skin, dtype=float), (len(v), 1))

    def family(*prefixes: str) -> NDArray[np.bool_]:
        return np.array([lab.startswith(prefixes) for lab in labels])

    torso = family("spine", "clavicle", "shoulder01")
    pelvis = family("root", "pelvis")
    legs = family("upperleg", "lowerleg")
    feet = family("foot", "toe")
    upper_arm = family("upperarm")
    forearm = family("lowerarm")
    colors[torso] = look.shirt
    colors[upper_arm] = look.shirt
    for s in (".L", ".R"):
        shoulder, elbow = body.head("upperarm01" + s), body.head("lowerarm01" + s)
        axis = elbow - shoulder
        along = (v - shoulder) @ axis / float(axis @ axis)
        side = np.array([lab.endswith(s) for lab in labels])
        if look.sleeves == "short":
            colors[upper_arm & side & (along > 0.55)] = look.skin
        else:
            wrist = body.head("wrist" + s)
            fa = wrist - elbow
            along_f = (v - elbow) @ fa / float(fa @ fa)
            colors[forearm & side & (along_f < 0.92)] = look.shirt
    # Trousers come up to the waist, a little above the hip joints.
    waist = (body.head("upperleg01.L")[2] + body.head("upperleg01.R")[2]) / 2 + 0.08
    colors[(torso | pelvis) & (v[:, 2] < waist)] = look.pants
    colors[pelvis] = look.pants
    colors[legs] = look.pants
    if look.legs == "shorts":
        for s in (".L", ".R"):
            hip, knee = body.head("upperleg01" + s), body.head("lowerleg01" + s)
            side = np.array([lab.endswith(s) for lab in labels])
            cut = hip[2] - 0.5 * (hip[2] - knee[2])
            colors[legs & side & (v[:, 2] < cut)] = look.skin
    else:
        colors[legs & (v[:, 2] < body.head("foot.L")[2] + 0.06)] = look.shoes
    colors[feet] = look.shoes
    head = labels == "head"
    eye_z = body.head("eye.L")[2]
    head_y = body.head("head")[1]
    hair = head & (
        (v[:, 2] > eye_z + 0.04) | ((v[:, 1] > head_y + 0.015) & (v[:, 2] > eye_z - 0.06))
    )
    colors[hair] = look.hair
    for s in (".L", ".R"):
        eye = labels == "eye" + s
        centre = body.head("eye" + s)
        colors[eye] = (235, 235, 235)
        colors[eye & (v[:, 1] < centre[1] - 0.012)] = (40, 30, 25)
    face_colors = colors[body.faces[:, 0]]
    # A little per-face variation reads as fabric and skin texture rather than plastic.
    face_colors = face_colors * rng.uniform(0.93, 1.05, size=(len(face_colors), 1))
    return np.clip(face_colors, 0, 255)


def light_direction(camera: Camera, look: Look) -> NDArray[np.float64]:
    """Unit vector toward the key light: from roughly the camera's side, above."""
    yaw = np.radians(camera.yaw_deg + look.light_yaw_deg)
    el = np.radians(look.light_elevation_deg)
    return np.array([np.sin(yaw) * np.cos(el), -np.cos(yaw) * np.cos(el), np.sin(el)])


def background(camera: Camera, look: Look, rng: np.random.Generator) -> NDArray[np.uint8]:
    """The empty room: a floor (z = 0) and a wall behind the person, by casting a ray per
    pixel from the camera; a vertical gradient on the wall and distance falloff on the floor."""
    H, W = camera.height, camera.width
    u, v = np.meshgrid(np.arange(W) + 0.5, np.arange(H) + 0.5)
    rays_cam = np.stack(
        [(u - W / 2) / camera.focal_px, (v - H / 2) / camera.focal_px, np.ones_like(u)], axis=-1
    )
    rays = rays_cam @ camera.rotation  # camera -> world
    C = camera.position
    t_floor = np.where(rays[..., 2] < -1e-6, -C[2] / np.minimum(rays[..., 2], -1e-6), np.inf)
    horizontal = -np.array([C[0] - camera.target_xy[0], C[1] - camera.target_xy[1], 0.0])
    horizontal /= np.linalg.norm(horizontal)
    target = np.array([camera.target_xy[0], camera.target_xy[1], 0.0])
    denom = rays @ horizontal
    t_wall = np.where(
        denom > 1e-6,
        (look.wall_distance_m + (target - C) @ horizontal) / np.maximum(denom, 1e-6),
        np.inf,
    )
    hit_floor = t_floor < t_wall
    t = np.where(hit_floor, t_floor, t_wall)
    points = C + rays * t[..., None]
    img = np.empty((H, W, 3), dtype=np.float64)
    wall = np.array(look.wall, dtype=float)
    floor = np.array(look.floor, dtype=float)
    z = np.clip(points[..., 2], 0, 3)
    wall_shade = 0.82 + 0.18 * (z / 3.0)
    img[:] = wall * wall_shade[..., None]
    skirting = (~hit_floor) & (points[..., 2] < 0.09)
    img[skirting] = wall * 0.7
    dist = np.linalg.norm(points[..., :2] - target[:2], axis=-1)
    floor_shade = np.clip(1.05 - 0.08 * dist, 0.7, 1.05)
    img[hit_floor] = (floor * floor_shade[..., None])[hit_floor]
    # Gentle large-scale unevenness (lighting falloff) so the background is not perfectly flat.
    low = cv2.resize(rng.normal(1.0, 0.04, size=(6, 8)), (W, H), interpolation=cv2.INTER_CUBIC)
    img *= low[..., None]
    return np.clip(img, 0, 255).astype(np.uint8)


def contact_shadow(
    image: NDArray[np.uint8], vertices: NDArray[np.floating], camera: Camera, strength: float = 0.35
) -> NDArray[np.uint8]:
    """Darken the floor under the body (soft ambient-occlusion blob), in place."""
    low = np.asarray(vertices)[::7]
    low = low[low[:, 2] < 0.7].astype(np.float64)
    if len(low) < 3:
        return image
    footprint = low.copy()
    footprint[:, 2] = 0.0
    pts = camera.project(footprint).astype(np.float32)
    hull = cv2.convexHull(pts)
    mask = np.zeros(image.shape[:2], dtype=np.float32)
    cv2.fillConvexPoly(mask, np.round(hull).astype(np.int32), 1.0)
    mask = cv2.GaussianBlur(mask, (0, 0), 5.0)
    image[:] = np.clip(image * (1.0 - strength * mask[..., None]), 0, 255).astype(np.uint8)
    return image
