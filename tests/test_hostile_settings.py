"""Broken settings and program files fail at load with one line naming the key."""

from __future__ import annotations

import copy
import re
import tomllib
from importlib import resources

import pytest

from screening.core.errors import SettingsError
from screening.core.settings import load_settings
from screening.decide.programs import load_library, parse_library


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"[filter]\nbutterworth_cutoff_hz = nan\n",
            "setting [filter] butterworth_cutoff_hz must be a finite number, got nan",
        ),
        (
            b"[checks.heel_lift]\nsevere = inf\n",
            "setting [checks.heel_lift] severe must be a finite number, got inf",
        ),
        (
            b"[checks.heel_lift]\nsevere = 1" + b"0" * 400 + b"\n",
            "setting [checks.heel_lift] severe must be a finite number, got 1000",
        ),
        (
            b"[checks.heel_lift]\nmild = 5.0\nmoderate = 3.0\n",
            "setting [checks.heel_lift]: needs mild <= moderate <= severe (got 5, 3, 6)",
        ),
        (
            b"[input]\nmax_frame_pixels = 10\n",
            "setting [input] max_frame_pixels = 10 must be at least 4096",
        ),
        (
            b"[input]\nmax_duration_s = true\n",
            "setting [input] max_duration_s must be a number, not true/false",
        ),
        (b'[filter]\n"bad\\nkey" = 1\n', "setting [filter] has unknown key 'bad\\nkey'"),
        (b"[filter]\n# caf\xe9 au lait\n", "is not UTF-8 text (byte 15 cannot be read)"),
        (b"[[filter]]\nx = 1\n", "[filter] in"),
        (b"x = 1\n", "unknown settings section [x]"),
        (
            b"[filter]\nbutterworth_order = '''2\n3'''\n",
            "setting [filter] butterworth_order must be a whole number, not text '2\\n3'",
        ),
    ],
)
def test_bad_settings_give_one_line_naming_the_key(tmp_path, content, message):
    path = tmp_path / "mine.toml"
    path.write_bytes(content)
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text


def test_a_settings_file_saved_with_a_bom_loads(tmp_path):
    path = tmp_path / "notepad.toml"
    path.write_bytes(b"\xef\xbb\xbf[input]\nmax_duration_s = 120.0\n")
    assert load_settings(path).input.max_duration_s == 120.0


def _library_data() -> dict:
    text = resources.files("screening.data").joinpath("programs.toml").read_text("utf-8")
    return tomllib.loads(text)


def _set(data: dict, dotted: str, value) -> dict:
    data = copy.deepcopy(data)
    *parents, key = dotted.split(".")
    table = data
    for p in parents:
        table = table[p]
    if value is KeyError:
        del table[key]
    else:
        table[key] = value
    return data


@pytest.mark.parametrize(
    ("dotted", "value", "message"),
    [
        (
            "exercises.calf_roll.phase",
            "warm-up",
            "exercises.calf_roll.phase: must be 'release', 'lengthen', 'activate', 'integrate' or "
            "'condition', not 'warm-up'",
        ),
        ("exercises.calf_roll.dose", 30, "exercises.calf_roll.dose must be text, not a number 30"),
        (
            "exercises.calf_roll.cues",
            "roll it",
            "exercises.calf_roll.cues must be a list, not text roll it",
        ),
        ("exercises.calf_roll.colour", "red", "exercises.calf_roll has unknown key 'colour'"),
        ("exercises.calf_roll", "calf", "exercises.calf_roll must be a table, not text calf"),
        (
            "findings.heel_lift.why",
            "your heel rose {valeu} cm",
            "findings.heel_lift.why uses unknown field {valeu}",
        ),
        (
            "findings.heel_lift.why",
            "your heel rose {value:.1f} cm",
            "findings.heel_lift.why is not a valid template",
        ),
        (
            "findings.heel_lift.exercises",
            ["calf_rol"],
            "findings.heel_lift.exercises names unknown exercise 'calf_rol'",
        ),
        ("findings.knee_valgus", KeyError, "no [findings.knee_valgus] entry"),
        (
            "findings.knee_cave",
            {"exercises": [], "why": "x"},
            "[findings.knee_cave] is not a check this tool has",
        ),
        (
            "routes.mobility.max_exercises",
            0,
            "routes.mobility.max_exercises = 0 must be at least 1",
        ),
        (
            "routes.mobility.phases",
            ["release", "rest"],
            "routes.mobility.phases[1]: must be 'release'",
        ),
        ("routes.pain.base", ["massage"], "routes.pain.base names unknown exercise 'massage'"),
        ("routes.recovery", {}, "[routes.recovery] is not a route"),
        ("extras", {}, "has unknown key 'extras'"),
    ],
)
def test_program_library_is_validated_at_load(dotted, value, message):
    with pytest.raises(SettingsError, match="^programs.toml:? " + re.escape(message)):
        parse_library(_set(_library_data(), dotted, value))


def test_shipped_program_library_is_valid():
    library = load_library()
    assert set(library.routes) == {"pain", "mobility", "stability", "conditioning"}
    assert all(ex.cues for ex in library.exercises.values())
