"""Exceptions that carry a message meant for the user.

Anything raised as a `ScreeningError` is shown as one line (no traceback) and, in a batch,
recorded as `ok: false` for that file while the others go on.
"""

from __future__ import annotations


class ScreeningError(Exception):
    """Base class: an expected failure with a message a user can act on."""


class InputError(ScreeningError):
    """The input video cannot be screened (missing, not a video, too short, no person...)."""


class ModelError(ScreeningError):
    """The pose model file is missing, corrupt or not a PoseLandmarker model."""


class SettingsError(ScreeningError):
    """A settings or data file is invalid; the message names the key."""


class RecordError(ScreeningError):
    """A file or stored value that should hold result records does not; the message says where."""


class UsageError(ScreeningError):
    """The command was asked for something it cannot do (e.g. an unknown output format)."""
