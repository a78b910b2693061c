"""Typed settings, loaded from the packaged defaults and an optional user TOML file.

The defaults live in one place, `screening/data/settings.toml`, with a comment on each key.
The pydantic dataclasses here declare each key's type and allowed range, so a bad value is
caught at load time with a one-line message naming the key, instead of surfacing as a strange
result later. Records and the program library are validated by the same means.
"""

from __future__ import annotations

import tomllib
from dataclasses import fields
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, get_type_hints

from pydantic import ConfigDict, Field, StrictFloat, StrictInt, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass

from screening.core.codes import Check
from screening.core.errors import SettingsError
from screening.core.validation import Location, first_error, show

_STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)
"""No unknown keys, no NaN or infinity; the Strict types below refuse text and true/false for
numbers and 2.5 for a whole number, where pydantic would otherwise convert."""


def _range(lo: float | None = None, hi: float | None = None) -> Any:
    """A field with an allowed closed range (no default: defaults live in the TOML)."""
    return Field(ge=lo, le=hi)


@dataclass(frozen=True, config=_STRICT)
class PoseSettings:
    min_detection_confidence: StrictFloat = _range(0.0, 1.0)
    min_presence_confidence: StrictFloat = _range(0.0, 1.0)
    min_tracking_confidence: StrictFloat = _range(0.0, 1.0)
    max_input_side_px: StrictInt = _range(0, 8192)
    frame_step: StrictInt = _range(1, 10)
    people_check_interval_s: StrictFloat = _range(0.0, 3600.0)


@dataclass(frozen=True, config=_STRICT)
class InputSettings:
    min_duration_s: StrictFloat = _range(0.0, 600.0)
    min_frames: StrictInt = _range(1, 100000)
    min_decoded_fraction: StrictFloat = _range(0.0, 1.0)
    min_pose_fraction: StrictFloat = _range(0.0, 1.0)
    max_cut_off_fraction: StrictFloat = _range(0.0, 1.0)
    max_duration_s: StrictFloat = _range(1.0, 86400.0)
    max_frames: StrictInt = _range(10, 10_000_000)
    max_frame_pixels: StrictInt = _range(4096, 200_000_000)
    min_frame_side_px: StrictInt = _range(1, 4096)


@dataclass(frozen=True, config=_STRICT)
class FilterSettings:
    max_gap_s: StrictFloat = _range(0.0, 10.0)
    butterworth_order: StrictInt = _range(1, 8)
    butterworth_cutoff_hz: StrictFloat = _range(0.1, 100.0)
    one_euro_min_cutoff_hz: StrictFloat = _range(0.001, 100.0)
    one_euro_beta: StrictFloat = _range(0.0, 100.0)
    one_euro_d_cutoff_hz: StrictFloat = _range(0.001, 100.0)


@dataclass(frozen=True, config=_STRICT)
class RepSettings:
    min_depth_fraction: StrictFloat = _range(0.01, 1.0)
    boundary_fraction: StrictFloat = _range(0.0, 0.9)
    min_rep_interval_s: StrictFloat = _range(0.0, 10.0)
    standing_reference_s: StrictFloat = _range(0.1, 600.0)


@dataclass(frozen=True, config=_STRICT)
class ContextSettings:
    standing_drop_fraction: StrictFloat = _range(0.0, 0.5)
    baseline_s: StrictFloat = _range(0.05, 10.0)
    front_max_yaw_deg: StrictFloat = _range(0.0, 90.0)
    side_min_yaw_deg: StrictFloat = _range(0.0, 90.0)
    lunge_knee_gap_fraction: StrictFloat = _range(0.0, 1.0)
    lunge_stagger_fraction: StrictFloat = _range(0.0, 2.0)
    overhead_fraction: StrictFloat = _range(0.0, 1.0)
    straight_knee_max_deg: StrictFloat = _range(0.0, 180.0)
    bent_knee_min_deg: StrictFloat = _range(0.0, 180.0)
    hinge_trunk_min_deg: StrictFloat = _range(0.0, 90.0)
    side_lunge_stance_hip_widths: StrictFloat = _range(0.5, 10.0)
    bar_grip_min_shoulder_widths: StrictFloat = _range(1.0, 5.0)
    bar_hands_lowest_m: StrictFloat = _range(-1.0, 0.0)
    bar_hands_highest_m: StrictFloat = _range(-0.5, 0.5)
    bar_hands_forward_max_m: StrictFloat = _range(-0.5, 0.5)
    max_body_speed: StrictFloat = _range(1.0, 1000.0)


@dataclass(frozen=True, config=_STRICT)
class LiveSettings:
    """The live webcam screen: guidance before recording, countdown, rep counter, frames kept."""

    min_brightness: StrictFloat = _range(0.0, 255.0)
    min_visibility: StrictFloat = _range(0.0, 1.0)
    edge_margin_fraction: StrictFloat = _range(0.0, 0.3)
    min_body_fraction: StrictFloat = _range(0.0, 1.0)
    ready_hold_s: StrictFloat = _range(0.0, 10.0)
    countdown_s: StrictFloat = _range(0.0, 10.0)
    rep_down_fraction: StrictFloat = _range(0.01, 1.0)
    rep_up_fraction: StrictFloat = _range(0.0, 1.0)
    target_reps: StrictInt = _range(1, 20)
    settle_s: StrictFloat = _range(0.0, 10.0)
    max_record_s: StrictFloat = _range(1.0, 600.0)
    keep_frame_max_side_px: StrictInt = _range(64, 4096)
    keep_frame_jpeg_quality: StrictInt = _range(10, 100)
    keep_max_frames: StrictInt = _range(10, 100000)


@dataclass(frozen=True, config=_STRICT)
class CheckSettings:
    """Cut-offs of one check, in the check's own units (see the comments in the TOML)."""

    mild: StrictFloat = _range(None, None)
    moderate: StrictFloat = _range(None, None)
    severe: StrictFloat = _range(None, None)
    min_visibility: StrictFloat = _range(0.0, 1.0)
    min_bottom_visibility: StrictFloat = _range(0.0, 1.0)
    """A rep is judged only where the check's landmarks are this visible at its bottom."""

    def __post_init__(self) -> None:
        if not self.mild <= self.moderate <= self.severe:
            raise ValueError(
                f"needs mild <= moderate <= severe (got {self.mild:g}, {self.moderate:g}, "
                f"{self.severe:g})"
            )


@dataclass(frozen=True, config=_STRICT)
class ForwardLeanSettings(CheckSettings):
    """The squat's trunk-against-shin check also needs to know when the knee point is lost."""

    min_thigh_fraction: StrictFloat = _range(0.0, 1.0)
    """Seen from the side, a rep is judged only where the near thigh at the bottom is at
    least this fraction of its standing length in the picture."""


CHECK_CLASSES: dict[str, type[CheckSettings]] = {"forward_lean": ForwardLeanSettings}
"""[checks.*] tables with keys of their own; the others are plain CheckSettings."""

LUNGE_SECTIONS = ("forward_lean_lunge", "knee_valgus_lunge")
"""Lunge-specific cut-offs of two checks, in tables of their own."""

CHECK_SECTIONS = (*(check.value for check in Check), *LUNGE_SECTIONS)
"""The [checks.*] tables: one per check code (from the one list in `codes`), plus the
lunge-specific cut-offs."""


@dataclass(frozen=True, config=_STRICT)
class Settings:
    """All settings; one section per concern, mirroring the TOML sections."""

    pose: PoseSettings
    input: InputSettings
    filter: FilterSettings
    reps: RepSettings
    context: ContextSettings
    live: LiveSettings
    checks: dict[str, CheckSettings]


_SECTIONS: dict[str, type] = {
    f.name: get_type_hints(Settings)[f.name] for f in fields(Settings) if f.name != "checks"
}


@cache
def _adapter(cls: type) -> TypeAdapter[Any]:
    return TypeAdapter(cls)


def _build_section(name: str, cls: type, values: dict[str, Any]) -> Any:
    """Validate one section's keys, types and ranges and build its dataclass."""

    def where(loc: Location) -> str:
        return f"setting [{name}]" + "".join(f" {show(part)}" for part in loc)

    try:
        return _adapter(cls).validate_python(values)
    except ValidationError as exc:
        message = first_error(exc, where, _TOML_WORDS)
        if exc.errors()[0]["type"] == "unexpected_keyword_argument":
            message += f" (known: {', '.join(f.name for f in fields(cls))})"
        raise SettingsError(message) from None


_TOML_WORDS = {"dataclass_type": "a table"}


def _merge(base: dict[str, Any], override: dict[str, Any], where: str) -> dict[str, Any]:
    """Overlay a user file on the defaults, section by section."""
    merged = {name: dict(section) for name, section in base.items()}
    for name, section in override.items():
        if name not in _SECTIONS and name != "checks":
            raise SettingsError(f"unknown settings section [{show(name)}] in {where}")
        if not isinstance(section, dict):
            raise SettingsError(f"[{name}] in {where} must be a table of settings")
        if name == "checks":
            for code, table in section.items():
                if code not in CHECK_SECTIONS:
                    raise SettingsError(f"unknown check [checks.{show(code)}] in {where}")
                if not isinstance(table, dict):
                    raise SettingsError(f"[checks.{code}] in {where} must be a table")
                merged["checks"][code] = {**merged["checks"].get(code, {}), **table}
        else:
            merged[name].update(section)
    return merged


def _read_toml(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{where} is not valid TOML: {exc}") from None


def default_settings_text() -> str:
    """The packaged defaults file, comments included (what `--settings` files override)."""
    return resources.files("screening.data").joinpath("settings.toml").read_text("utf-8")


def load_settings(path: str | Path | None = None) -> Settings:
    """Load the defaults, overlaid with the user's TOML file when one is given."""
    data = _read_toml(default_settings_text(), "the default settings")
    if path is not None:
        path = Path(path)
        try:
            text = path.read_text("utf-8-sig")  # -sig: Windows editors start with a BOM
        except OSError as exc:
            raise SettingsError(f"cannot read settings file {path}: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise SettingsError(
                f"settings file {path} is not UTF-8 text (byte {exc.start + 1} "
                "cannot be read); save it as UTF-8"
            ) from None
        data = _merge(data, _read_toml(text, str(path)), str(path))
    sections = {
        name: _build_section(name, cls, data.get(name, {})) for name, cls in _SECTIONS.items()
    }
    checks = {
        code: _build_section(
            f"checks.{code}",
            CHECK_CLASSES.get(code, CheckSettings),
            data.get("checks", {}).get(code, {}),
        )
        for code in CHECK_SECTIONS
    }
    return Settings(**sections, checks=checks)
