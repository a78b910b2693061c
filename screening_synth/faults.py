"""What a fault is in the generator: a check code, a side, and a magnitude in stated units.

Why a separate module: the motion code reads these to shape the movement, the sample set
lists them, and the truth records them, all with the check codes of `screening.core.codes`.
The default magnitudes are clearly visible but clinically ordinary (not caricatures).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from screening.core.codes import Check


class Side(StrEnum):
    """Which side a fault is on (the person's own side), as in the result record."""

    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"
    NONE = "none"

    def applies_to(self, leg: str) -> bool:
        """True when a fault on this side affects the `leg` ("left" or "right")."""
        return self is Side.BOTH or self.value == leg


UNITS: dict[Check, str] = {
    Check.HEEL_LIFT: "cm",  # heel rise above the floor at the bottom, toes down
    Check.FEET_TURN_OUT: "deg",  # extra external rotation of the foot vs standing
    Check.FEET_ROLL_OUT: "deg",  # inversion of the foot about its outer edge
    Check.KNEE_VALGUS: "deg",  # knee swung medially about the hip-ankle line
    Check.FORWARD_LEAN: "deg",  # trunk inclination beyond the shin inclination
    Check.ARMS_FALL_FORWARD: "deg",  # overhead arms' angle forward of the trunk's line (NASM)
    Check.SHOULDER_ELEVATION: "cm",  # shoulder joint raised toward the ear vs standing
    Check.INSUFFICIENT_DEPTH: "deg",  # thigh angle above horizontal at the bottom
    Check.ASYMMETRIC_SHIFT: "cm",  # lateral pelvis shift toward `side` at the bottom
    Check.BALANCE_LOSS: "cm",  # amplitude of the lateral pelvis sway
}
"""Units of each fault's magnitude, and what the magnitude measures."""

DEFAULT_MAGNITUDE: dict[Check, float] = {
    Check.HEEL_LIFT: 4.0,
    Check.FEET_TURN_OUT: 22.0,
    Check.FEET_ROLL_OUT: 18.0,
    Check.KNEE_VALGUS: 15.0,
    Check.FORWARD_LEAN: 25.0,
    Check.ARMS_FALL_FORWARD: 25.0,
    Check.SHOULDER_ELEVATION: 4.0,
    Check.INSUFFICIENT_DEPTH: 30.0,
    Check.ASYMMETRIC_SHIFT: 8.0,
    Check.BALANCE_LOSS: 5.0,
}


@dataclass(frozen=True)
class Fault:
    """One fault shown in a clip. magnitude is its size at the bottom of each rep."""

    code: Check
    side: Side = Side.BOTH
    magnitude: float | None = None

    @property
    def size(self) -> float:
        return float(DEFAULT_MAGNITUDE[self.code] if self.magnitude is None else self.magnitude)

    @property
    def units(self) -> str:
        return UNITS[self.code]

    def as_dict(self) -> dict[str, object]:
        return {
            "code": str(self.code),
            "side": str(self.side),
            "magnitude": round(self.size, 3),
            "units": self.units,
        }
