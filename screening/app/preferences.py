"""The app's remembered choices (for now: whether instructions are spoken), kept on this
computer in the per-user data folder, so turning the voice off stays off on the next
visit. Nothing here leaves the machine; a missing or unreadable file means the defaults.
"""

from __future__ import annotations

import json
from pathlib import Path

from screening.clinic.location import data_dir

FILE_NAME = "app-preferences.json"


def _path() -> Path:
    return data_dir() / FILE_NAME


def load() -> dict[str, object]:
    """The saved choices, or {} when none were saved or the file cannot be read."""
    try:
        saved = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return saved if isinstance(saved, dict) else {}


def remembered(name: str, default: bool) -> bool:
    """A saved on/off choice, or `default`."""
    value = load().get(name, default)
    return value if isinstance(value, bool) else default


def remember(name: str, value: bool) -> None:
    """Save one on/off choice; a folder that cannot be written only costs the memory."""
    choices = load() | {name: bool(value)}
    try:
        _path().parent.mkdir(parents=True, exist_ok=True)
        _path().write_text(json.dumps(choices, indent=1), encoding="utf-8")
    except OSError:
        pass
