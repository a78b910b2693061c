"""PoseSequence: the one time-first container of landmarks that every later stage reads.

Arrays are (T, 33, 3) with T frames first, so a landmark's trajectory is `seq.image[:, LM]`
and vectorised maths over time is natural. A frame with no person is NaN, never 0: a zero
would look like a real landmark in the top-left corner and poison every average.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from screening.core.landmarks import MIRROR_INDEX, NUM_LANDMARKS
from screening.core.patches import PATCH

PATCHED_PARTS = ("neck", "feet")
"""The parts whose pictures are cut while the pose is found (FramePose and PoseSequence
fields of those names); see screening.core.patches."""


def _no_patches(t: int) -> np.ndarray:
    """(t, 2, PATCH, PATCH) zeros: no picture of either side."""
    return np.zeros((t, 2, PATCH, PATCH), np.uint8)


@dataclass(frozen=True)
class FramePose:
    """The pose found in one frame.

    image: (33, 3) x, y in pixels of the original frame, z on the same scale as x
    (relative depth, hips at about 0). world: (33, 3) metres, origin between the hips,
    MediaPipe's axes (x to the image's right, y down, z away from the camera).
    visibility, presence: (33,) in 0..1.
    neck: (2, PATCH, PATCH) uint8 grey patches of the left and right side of the neck, cut from
    the frame (see screening.pose.shoulder_rise), or None where the frame was not kept.
    feet: the same for the left and right foot (see screening.pose.heel_rise).
    """

    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    people: int
    neck: np.ndarray | None = None
    feet: np.ndarray | None = None


@dataclass(frozen=True)
class PoseSequence:
    """Landmarks of one person over time.

    image: (T, 33, 3) pixels (x right, y down, z relative depth on the x scale).
    world: (T, 33, 3) metres, origin between the hips (x right, y down, z away from camera).
    visibility, presence: (T, 33) in 0..1 (NaN where no pose).
    timestamps_s: (T,) presentation time of each frame. frame_indices: (T,) decoder index.
    width, height: frame size in pixels; fps: nominal frame rate.
    neck: (T, 2, PATCH, PATCH) uint8 patches of each side of the neck [left, right], all zero
    where none was cut (no pose, or a sequence made without frames).
    feet: (T, 2, PATCH, PATCH) the same for the left and right foot.
    """

    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    timestamps_s: np.ndarray
    frame_indices: np.ndarray
    width: int
    height: int
    fps: float
    max_people: int = 1
    neck: np.ndarray = field(default_factory=lambda: _no_patches(0))
    feet: np.ndarray = field(default_factory=lambda: _no_patches(0))

    def __post_init__(self) -> None:
        t = len(self.timestamps_s)
        for part in PATCHED_PARTS:
            if len(getattr(self, part)) == 0 and t:
                object.__setattr__(self, part, _no_patches(t))
        expected = {
            "image": (t, NUM_LANDMARKS, 3),
            "world": (t, NUM_LANDMARKS, 3),
            "visibility": (t, NUM_LANDMARKS),
            "presence": (t, NUM_LANDMARKS),
            "frame_indices": (t,),
        } | {part: (t, 2, PATCH, PATCH) for part in PATCHED_PARTS}
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise ValueError(
                    f"PoseSequence.{name} has shape {getattr(self, name).shape}, expected {shape}"
                )

    def __len__(self) -> int:
        return len(self.timestamps_s)

    @property
    def detected(self) -> np.ndarray:
        """(T,) True where a pose was found in the frame."""
        return ~np.isnan(self.image[:, :, 0]).all(axis=1)

    @property
    def detected_fraction(self) -> float:
        return float(self.detected.mean()) if len(self) else 0.0

    def outside_frame(self) -> np.ndarray:
        """(T, 33) True where a landmark lies outside the picture.

        The pose model places landmarks it cannot see beyond the frame edge, often with a
        confident visibility (0.6-0.9 for feet just below the bottom edge), so their position
        is a guess about a body part that is not in the video.
        """
        x, y = self.image[..., 0], self.image[..., 1]
        return (x < 0) | (y < 0) | (x >= self.width) | (y >= self.height)

    def with_outside_frame_hidden(self) -> PoseSequence:
        """The same sequence with landmarks outside the picture marked invisible.

        Every check already refuses a part below its visibility threshold, so a part that
        is out of the picture is then judged "not assessable" instead of being measured.
        """
        visibility = np.where(self.outside_frame(), 0.0, self.visibility)
        return replace(self, visibility=visibility)

    def mirrored(self) -> PoseSequence:
        """The same movement seen in a mirror: x flipped and left/right landmarks swapped.

        A webcam preview is often mirrored; property tests use this to check that every
        measure swaps sides and keeps its value.
        """
        idx = list(MIRROR_INDEX)
        image = self.image[:, idx].copy()
        image[..., 0] = self.width - image[..., 0]
        world = self.world[:, idx].copy()
        world[..., 0] = -world[..., 0]
        return replace(
            self,
            image=image,
            world=world,
            visibility=self.visibility[:, idx].copy(),
            presence=self.presence[:, idx].copy(),
            # Each side's patch is mirrored already; only the sides swap.
            **{part: getattr(self, part)[:, ::-1].copy() for part in PATCHED_PARTS},
        )


@dataclass
class SequenceBuilder:
    """Collects per-frame poses into a PoseSequence; holds only small landmark arrays."""

    fps: float
    _image: list[np.ndarray] = field(default_factory=list)
    _world: list[np.ndarray] = field(default_factory=list)
    _vis: list[np.ndarray] = field(default_factory=list)
    _pres: list[np.ndarray] = field(default_factory=list)
    _t: list[float] = field(default_factory=list)
    _idx: list[int] = field(default_factory=list)
    _patches: dict[str, list[np.ndarray]] = field(
        default_factory=lambda: {part: [] for part in PATCHED_PARTS}
    )
    _max_people: int = 0

    def add(self, index: int, timestamp_s: float, pose: FramePose | None) -> None:
        nan3 = np.full((NUM_LANDMARKS, 3), np.nan)
        nan1 = np.full(NUM_LANDMARKS, np.nan)
        self._image.append(pose.image if pose else nan3)
        self._world.append(pose.world if pose else nan3)
        self._vis.append(pose.visibility if pose else nan1)
        self._pres.append(pose.presence if pose else nan1)
        self._t.append(timestamp_s)
        self._idx.append(index)
        for part, items in self._patches.items():
            patch = None if pose is None else getattr(pose, part)
            items.append(_no_patches(1)[0] if patch is None else patch)
        if pose:
            self._max_people = max(self._max_people, pose.people)

    def __len__(self) -> int:
        return len(self._t)

    def build(self, width: int, height: int) -> PoseSequence:
        t = len(self._t)

        def stack(items: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
            return np.stack(items) if items else np.empty((0, *shape))

        return PoseSequence(
            image=stack(self._image, (NUM_LANDMARKS, 3)),
            world=stack(self._world, (NUM_LANDMARKS, 3)),
            visibility=stack(self._vis, (NUM_LANDMARKS,)),
            presence=stack(self._pres, (NUM_LANDMARKS,)),
            timestamps_s=np.asarray(self._t, dtype=np.float64).reshape(t),
            frame_indices=np.asarray(self._idx, dtype=np.int64).reshape(t),
            width=width,
            height=height,
            fps=self.fps,
            max_people=self._max_people,
            **{
                part: stack(items, (2, PATCH, PATCH)).astype(np.uint8)
                for part, items in self._patches.items()
            },
        )
