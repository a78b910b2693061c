"""Counting reps as frames arrive, for the live screen's big number.

The result's reps come from the offline rep finder (`screening.core.reps`) on the whole
take; this counter only has to say, frame by frame, when a rep is done.
"""

from __future__ import annotations

import numpy as np

from screening.core.landmarks import Landmark as L
from screening.core.sequence import FramePose


class RepCounter:
    """Counts reps online from the height of the hips, with hysteresis.

    A rep starts when the hips drop `down_fraction` of the standing hip-to-ankle height below
    the highest they have been, and ends when they come back within `up_fraction` of it.
    Heights are image pixels: the camera does not move during a take, and both references
    (highest hips, longest hip-to-ankle height) are learnt from the person standing.
    """

    def __init__(self, down_fraction: float, up_fraction: float) -> None:
        self.down_fraction = down_fraction
        self.up_fraction = up_fraction
        self.count = 0
        self.down = False
        self.last_up_s: float | None = None
        self.skipped = 0
        """Reps not counted because they began before counting restarted."""
        self._began_before = False
        self._top_hip_y = np.inf
        self._leg_px = 0.0

    def drop_fraction(self, pose: FramePose) -> float | None:
        """How far the hips are below standing, as a fraction of the leg; None if unseen."""
        hip_y = float(np.nanmean(pose.image[[L.LEFT_HIP, L.RIGHT_HIP], 1]))
        ankle_y = float(np.nanmean(pose.image[[L.LEFT_ANKLE, L.RIGHT_ANKLE], 1]))
        if not (np.isfinite(hip_y) and np.isfinite(ankle_y)):
            return None
        self._top_hip_y = min(self._top_hip_y, hip_y)
        self._leg_px = max(self._leg_px, ankle_y - hip_y)
        if self._leg_px <= 0:
            return None
        return (hip_y - self._top_hip_y) / self._leg_px

    def update(self, pose: FramePose | None, timestamp_s: float) -> int:
        """Feed one pose; returns the reps completed so far."""
        drop = None if pose is None else self.drop_fraction(pose)
        if drop is None:
            return self.count
        if not self.down and drop >= self.down_fraction:
            self.down = True
        elif self.down and drop <= self.up_fraction:
            self.down = False
            self.last_up_s = timestamp_s
            if self._began_before:
                self._began_before, self.skipped = False, self.skipped + 1
            else:
                self.count += 1
        return self.count

    def restart_count(self) -> None:
        """Start counting from zero, keeping what was learnt about standing.

        A rep already under way (begun during the countdown) is not counted when it ends:
        the recording holds only its second half, and the screen, which finds reps in the
        recording, would not count it either.
        """
        self.count = 0
        self.last_up_s = None
        self._began_before = self.down
