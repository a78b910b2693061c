"""What the live screen tells a person before it records: step back, turn, more light.

Each webcam frame's pose is checked for what would spoil the take (nobody, two people,
head or feet outside the picture, too dark, too far, the wrong way round for the chosen
view); the first problem becomes the one instruction shown and spoken.
"""

from __future__ import annotations

import numpy as np

from screening.core.codes import View
from screening.core.landmarks import Landmark as L
from screening.core.scene import classify_view
from screening.core.sequence import FramePose, PoseSequence, SequenceBuilder
from screening.core.settings import Settings

FEET = (
    L.LEFT_ANKLE,
    L.RIGHT_ANKLE,
    L.LEFT_HEEL,
    L.RIGHT_HEEL,
    L.LEFT_FOOT_INDEX,
    L.RIGHT_FOOT_INDEX,
)
HEAD = (L.NOSE, L.LEFT_EYE, L.RIGHT_EYE, L.LEFT_EAR, L.RIGHT_EAR)
SIDE_VIEWS = frozenset({View.SIDE_LEFT, View.SIDE_RIGHT})


VIEW_ADVICE = {
    frozenset({View.FRONT}): "Face the camera.",
    SIDE_VIEWS: "Turn sideways to the camera.",
    frozenset({View.OBLIQUE}): "Turn halfway (about 45 degrees) to the camera.",
}
"""What to say when the person stands at the wrong angle for the view being filmed."""

TOO_DARK = "It is too dark: switch on a light or face a window."
NOBODY = "Step into the picture so the camera can see all of you."
TWO_PEOPLE = "Only one person in the picture, please."
HEAD_OUT = "Step back until your head is in the picture."
FEET_OUT = "Step back until your feet are in the picture."
TOO_FAR = "Come a little closer to the camera."
NOTHING_RECORDED = (
    "Nothing was recorded. To try again, follow the instructions on the "
    "picture (start the camera if it is off)."
)
COUNTDOWN_STOPPERS = frozenset({TOO_DARK, NOBODY, TWO_PEOPLE, HEAD_OUT, FEET_OUT})
"""Problems that stop a countdown. The others (too far, turned the wrong way) are checked
standing still before it starts; squatting during the countdown shrinks and turns the
body in the picture, which must not restart it."""


def frame_brightness(rgb: np.ndarray) -> float:
    """Mean brightness 0-255 of a frame (every 8th pixel is plenty and costs ~0.1 ms)."""
    sample = rgb[::8, ::8].astype(np.float32)
    return float((sample @ np.array([0.299, 0.587, 0.114], np.float32)).mean())


def single_frame(pose: FramePose, width: int, height: int) -> PoseSequence:
    """One pose as a one-frame sequence, so the offline view classifier can judge it."""
    builder = SequenceBuilder(fps=30.0)
    builder.add(0, 0.0, pose)
    return builder.build(width=width, height=height)


def _head_top_y(pose: FramePose) -> float:
    """Where the top of the head is in the picture (pixels from the top).

    The model has no landmark on the crown, and it places face points confidently even
    outside the frame; the crown sits above the ears by about half the ear-to-shoulder
    distance.
    """
    face_top = float(np.nanmin(pose.image[list(HEAD), 1]))
    ears = np.nanmean(pose.image[[L.LEFT_EAR, L.RIGHT_EAR], :2], axis=0)
    shoulders = np.nanmean(pose.image[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER], :2], axis=0)
    return face_top - 0.5 * float(np.linalg.norm(shoulders - ears))


def guidance_problems(
    pose: FramePose | None,
    brightness: float,
    width: int,
    height: int,
    views: frozenset[View] | None,
    settings: Settings,
) -> list[str]:
    """What stops this frame from being a good start, in the words shown to the person.

    Empty when the light is good enough, exactly one person is seen from head to feet, big
    enough to measure, and turned the way the chosen view needs (`views`; None = any).
    """
    live = settings.live
    problems = []
    if brightness < live.min_brightness:
        problems.append(TOO_DARK)
    if pose is None:
        return [*problems, NOBODY]
    if pose.people > 1:
        problems.append(TWO_PEOPLE)
    margin = live.edge_margin_fraction * height
    head_top, head_seen = _head_top_y(pose), pose.visibility[L.NOSE] >= live.min_visibility
    feet_y = float(np.nanmax(pose.image[list(FEET), 1]))
    feet_seen = pose.visibility[list(FEET)].max() >= live.min_visibility
    if not head_seen or head_top < margin:
        problems.append(HEAD_OUT)
    if not feet_seen or feet_y > height - margin:
        problems.append(FEET_OUT)
    elif head_seen and feet_y - head_top < live.min_body_fraction * height:
        problems.append(TOO_FAR)
    if views is not None:
        view, _ = classify_view(single_frame(pose, width, height), np.array([0]), settings.context)
        if view not in views:
            problems.append(VIEW_ADVICE.get(views, "Turn to face the camera as chosen."))
    return problems
