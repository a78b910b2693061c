"""A small CPU rasteriser: painter's algorithm with flat shading.

Why not OpenGL or a ray tracer: the build machines have no GPU and no display, and a clip
only needs a clean silhouette with believable shading for a pose estimator to find the body.
Drawing back-to-front sorted, back-face-culled triangles with OpenCV's `fillConvexPoly`
takes ~0.1-0.25 s for a 640x480 frame of the ~27k-triangle anny mesh.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from screening_synth.camera import Camera

SUBPIXEL_BITS = 4
"""Vertices are passed to OpenCV in 1/16 pixel units, so thin triangles do not jitter."""


def face_normals(vertices: NDArray[np.floating], faces: NDArray[np.integer]) -> NDArray[np.float64]:
    """Unit normals (F, 3) by the right-hand rule on each face's vertex order (anny's faces
    wind counter-clockwise seen from outside, so these point out of the body)."""
    tri = np.asarray(vertices, dtype=np.float64)[faces]
    n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)


def shade(
    base_colors: NDArray[np.floating],
    normals: NDArray[np.floating],
    light_toward: NDArray[np.floating],
    view_toward: NDArray[np.floating],
    ambient: float,
) -> NDArray[np.float64]:
    """Flat Lambert shading: ambient + key light + a weak fill light from the camera, so
    surfaces facing away from the key light do not go black."""
    key = np.clip(normals @ light_toward, 0.0, None)
    fill = np.clip(np.einsum("fi,fi->f", normals, view_toward), 0.0, None)
    intensity = ambient + (1.0 - ambient) * (0.75 * key + 0.25 * fill)
    return base_colors * intensity[:, None]


def render_mesh(
    image: NDArray[np.uint8],
    vertices: NDArray[np.floating],
    faces: NDArray[np.integer],
    face_colors: NDArray[np.floating],
    camera: Camera,
    light_toward: NDArray[np.floating],
    ambient: float = 0.35,
) -> NDArray[np.uint8]:
    """Draw the mesh onto `image` (BGR, modified in place and returned).

    face_colors: (F, 3) BGR in 0..255 before shading. light_toward: unit vector pointing
    from the scene toward the key light.
    """
    vertices = np.asarray(vertices, dtype=np.float64)
    normals = face_normals(vertices, faces)
    centres = vertices[faces].mean(axis=1)
    to_camera = camera.position - centres
    facing = np.einsum("fi,fi->f", normals, to_camera) > 0.0
    faces, normals, centres = faces[facing], normals[facing], centres[facing]
    view_toward = to_camera[facing] / np.linalg.norm(to_camera[facing], axis=1, keepdims=True)
    colors = np.clip(
        shade(face_colors[facing], normals, light_toward, view_toward, ambient), 0, 255
    )

    depth = camera.to_camera(centres)[:, 2]
    order = np.argsort(-depth, kind="stable")
    pixels = camera.project(vertices)
    pts = np.round(pixels[faces[order]] * (1 << SUBPIXEL_BITS)).astype(np.int32)
    color_list = colors[order].astype(np.int32).tolist()
    for tri, color in zip(pts, color_list, strict=True):
        cv2.fillConvexPoly(image, tri, color, lineType=cv2.LINE_8, shift=SUBPIXEL_BITS)
    return image


def body_mask(
    vertices: NDArray[np.floating], faces: NDArray[np.integer], camera: Camera
) -> NDArray[np.bool_]:
    """Pixels covered by the mesh (no shading, no sorting): for tests and shadows."""
    mask = np.zeros((camera.height, camera.width), dtype=np.uint8)
    pts = np.round(camera.project(vertices)[faces] * (1 << SUBPIXEL_BITS)).astype(np.int32)
    for tri in pts:
        cv2.fillConvexPoly(mask, tri, 255, lineType=cv2.LINE_8, shift=SUBPIXEL_BITS)
    return mask > 0


def finish(
    image: NDArray[np.uint8], rng: np.random.Generator, noise_sigma: float, blur_sigma: float = 0.6
) -> NDArray[np.uint8]:
    """Camera-like finishing: a slight optical blur (hides stair-stepped edges) and mild
    Gaussian sensor noise."""
    out = cv2.GaussianBlur(image, (0, 0), blur_sigma).astype(np.float32)
    if noise_sigma > 0:
        out += rng.normal(0.0, noise_sigma, size=out.shape).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)
