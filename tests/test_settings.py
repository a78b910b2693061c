"""Settings load from the packaged defaults; bad files fail with a message naming the key."""

from __future__ import annotations

import re

import pytest

from screening.core.errors import SettingsError
from screening.core.settings import load_settings


def test_defaults_load_with_documented_values():
    s = load_settings()
    assert s.filter.butterworth_cutoff_hz == 6.0
    assert s.filter.butterworth_order == 4
    assert s.reps.min_depth_fraction == 0.15


def test_user_file_overrides_one_key(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text("[filter]\nbutterworth_cutoff_hz = 4.5\n")
    s = load_settings(f)
    assert s.filter.butterworth_cutoff_hz == 4.5
    assert s.filter.butterworth_order == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[filter\n", "not valid TOML"),
        (
            "[filter]\nbutterworth_cutof_hz = 4\n",
            "setting [filter] has unknown key 'butterworth_cutof_hz' (known: max_gap_s,",
        ),
        ("[filters]\nx = 1\n", "unknown settings section [filters]"),
        (
            "[filter]\nbutterworth_cutoff_hz = -1.0\n",
            "setting [filter] butterworth_cutoff_hz = -1.0 must be at least 0.1",
        ),
        (
            "[filter]\nbutterworth_order = 2.5\n",
            "setting [filter] butterworth_order must be a whole number, not a number 2.5",
        ),
        (
            "[pose]\nmin_detection_confidence = 'high'\n",
            "setting [pose] min_detection_confidence must be a number, not text high",
        ),
    ],
)
def test_bad_settings_name_the_key(tmp_path, text, message):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(SettingsError, match=re.escape(message)):
        load_settings(f)


def test_missing_settings_file_is_a_clear_error(tmp_path):
    with pytest.raises(SettingsError, match="cannot read settings file"):
        load_settings(tmp_path / "nope.toml")
