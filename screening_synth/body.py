"""The anny body: build and cache the model, vary the phenotype, apply world-frame poses.

Why a wrapper: anny poses a body with per-bone *delta* transforms chained down the skeleton.
The generator thinks in world terms instead ("the thigh points here"), so this module takes,
for every bone, its world rotation relative to the reference pose (G) and converts it to
anny's 'local-ref' deltas (D_child = G_parent^T G_child; the root's delta is its world pose).
In 'local-ref', a bone's head follows its parent rigidly: p_child = p_parent + G_parent
(q_child - q_parent), q being reference-pose heads. `posing` relies on this to plan joint
positions without running the model.

The world frame: metres, x = the person's left, y = backwards (the body faces -y), z = up,
floor at z = 0 (the reference pose is lifted so its lowest foot vertex touches it).
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:  # pragma: no cover
    import anny

SKINNING_METHOD = "lbs"
"""Plain linear blend skinning: deterministic, CPU-only, no warp kernel compilation."""

FRAMES_PER_BATCH = 48
"""Poses evaluated per anny forward call; batched calls cost ~10 ms a frame instead of ~140."""


@dataclass(frozen=True)
class Phenotype:
    """anny phenotype parameters, each in [0, 1].

    gender: 0 male .. 1 female. age: 0.67 is a young adult, 1.0 old (anchors: newborn -1/3,
    baby 0, child 1/3, young 2/3, old 1). height: 0.5 is average for the gender/age; the
    range is wide (0 and 1 give about 1.2 m and 2.4 m), so keep it near the middle.
    muscle, weight, proportions: 0.5 average.
    """

    gender: float = 0.5
    age: float = 0.7
    muscle: float = 0.5
    weight: float = 0.5
    height: float = 0.5
    proportions: float = 0.5

    def as_kwargs(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}

    @classmethod
    def sample(cls, rng: np.random.Generator) -> Phenotype:
        """A plausible adult: both genders, 20s to 60s, average-ish height, varied build."""
        return cls(
            gender=float(rng.choice([0.0, 0.15, 0.85, 1.0])),
            age=float(rng.uniform(0.66, 0.9)),
            muscle=float(rng.uniform(0.3, 0.75)),
            weight=float(rng.uniform(0.3, 0.7)),
            height=float(rng.uniform(0.4, 0.6)),
            proportions=float(rng.uniform(0.3, 0.7)),
        )


@functools.cache
def load_model() -> anny.Anny:
    """The anny full-body model, built once per process.

    The first build on a machine takes ~1-2 minutes and is cached by anny on disk
    (~/.cache/anny); later builds take under a second.
    """
    import anny
    import torch

    torch.set_num_threads(1)  # one clip per process; the caller parallelises across clips
    model = anny.Anny(pose_parameterization="local-ref", skinning_method=SKINNING_METHOD)
    model.requires_grad_(False)
    return model


@dataclass
class PosedFrames:
    """The output of `Body.pose` for T frames (world frame, metres)."""

    vertices: NDArray[np.float32]  # (T, V, 3)
    joints: NDArray[np.float64]  # (T, B, 3) bone heads


class Body:
    """One person (a fixed phenotype) and their reference skeleton in world coordinates."""

    def __init__(self, phenotype: Phenotype) -> None:
        import torch

        self.phenotype = phenotype
        self.model = load_model()
        self.bone_labels: list[str] = list(self.model.bone_labels)
        self.bone_index: dict[str, int] = {b: i for i, b in enumerate(self.bone_labels)}
        self.parents: NDArray[np.int64] = np.asarray(self.model.bone_parents, dtype=np.int64)
        self.faces: NDArray[np.int32] = (
            self.model.get_triangular_faces().cpu().numpy().astype(np.int32)
        )
        weights = self.model.vertex_bone_weights.cpu().numpy()
        indices = self.model.vertex_bone_indices.cpu().numpy()
        self.vertex_bone: NDArray[np.int64] = indices[
            np.arange(len(indices)), weights.argmax(axis=1)
        ]
        """The bone that moves each vertex most: used to colour clothing by body region."""

        with torch.no_grad():
            out = self.model(phenotype_kwargs=self.phenotype.as_kwargs())
        ref_vertices = out["vertices"][0].cpu().numpy()
        ref_heads = out["bone_poses"][0, :, :3, 3].cpu().numpy()
        foot_bones = [
            self.bone_index[b] for b in self.bone_labels if b.startswith(("foot.", "toe"))
        ]
        foot_vertices = np.isin(self.vertex_bone, foot_bones)
        self.offset = np.array([0.0, 0.0, -float(ref_vertices[foot_vertices, 2].min())])
        """Added to anny's model coordinates to put the reference pose's soles on the floor."""
        self.ref_vertices = ref_vertices + self.offset
        self.ref_heads = ref_heads + self.offset
        self._batch_kwargs: dict[str, Any] = self.phenotype.as_kwargs()

    def head(self, bone: str) -> NDArray[np.float64]:
        """Reference-pose head (joint centre) of `bone`, world metres."""
        return self.ref_heads[self.bone_index[bone]]

    @property
    def height_m(self) -> float:
        """Standing height in the reference pose (sole to crown)."""
        return float(self.ref_vertices[:, 2].max())

    def expand_rotations(self, partial: dict[str, NDArray[np.float64]]) -> NDArray[np.float64]:
        """(B, 3, 3) world rotations for all bones: those given, the others inheriting their
        parent's (a bone with no rotation of its own moves rigidly with its parent)."""
        out = np.empty((len(self.bone_labels), 3, 3))
        for i, label in enumerate(self.bone_labels):
            if label in partial:
                out[i] = partial[label]
            elif self.parents[i] < 0:
                out[i] = np.eye(3)
            else:
                out[i] = out[self.parents[i]]  # parents precede children in anny's order
        return out

    def joint_positions(
        self, rotations: NDArray[np.float64], root_position: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Bone heads for one frame, by the rigid-chain rule, without running anny.

        rotations: (B, 3, 3) world rotations (see `expand_rotations`); root_position: (3,).
        """
        heads = np.empty_like(self.ref_heads)
        for i in range(len(self.bone_labels)):
            p = self.parents[i]
            if p < 0:
                heads[i] = root_position
            else:
                heads[i] = heads[p] + rotations[p] @ (self.ref_heads[i] - self.ref_heads[p])
        return heads

    def pose(
        self, rotations: NDArray[np.float64], root_positions: NDArray[np.float64]
    ) -> PosedFrames:
        """Run anny for T frames.

        rotations: (T, B, 3, 3) world rotations per bone relative to the reference pose.
        root_positions: (T, 3) world position of the root bone's head (the pelvis centre).
        """
        import torch

        rotations = np.asarray(rotations, dtype=np.float64)
        T = rotations.shape[0]
        parents = self.parents.copy()
        parents[0] = 0
        deltas = np.zeros((T, len(self.bone_labels), 4, 4))
        deltas[..., 3, 3] = 1.0
        deltas[..., :3, :3] = np.einsum("tbji,tbjk->tbik", rotations[:, parents], rotations)
        deltas[:, 0, :3, :3] = rotations[:, 0]
        deltas[:, 0, :3, 3] = root_positions - self.offset  # anny's root head is its origin
        vertices = np.empty((T, len(self.ref_vertices), 3), dtype=np.float32)
        joints = np.empty((T, len(self.bone_labels), 3))
        with torch.no_grad():
            for start in range(0, T, FRAMES_PER_BATCH):
                chunk = torch.from_numpy(deltas[start : start + FRAMES_PER_BATCH]).to(
                    self.model.dtype
                )
                out = self.model(pose_parameters=chunk, phenotype_kwargs=self._batch_kwargs)
                vertices[start : start + len(chunk)] = (
                    out["vertices"].cpu().numpy() + self.offset
                ).astype(np.float32)
                joints[start : start + len(chunk)] = (
                    out["bone_poses"][:, :, :3, 3].cpu().numpy() + self.offset
                )
        return PosedFrames(vertices=vertices, joints=joints)
