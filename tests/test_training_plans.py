"""The patch networks' training plans (tools/train_patch_model.py): every clip they render
must be one the synth CLI accepts, and none may share a seed (so a body, clothes and room)
with the sample set or the held-out sets the accuracy table is measured on."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from screening_synth.cli import build_parser
from screening_synth.sample_set import SAMPLE_SEED, sample_specs
from screening_synth.wide_set import REGIONS, wide_specs

TOOL = Path(__file__).resolve().parents[1] / "tools" / "train_patch_model.py"
HELD_OUT_SEEDS = (
    20261122,
    31000000,
    32000000,
    33000000,
    34000000,
    35000000,
    36000000,
    37000000,
    38000000,
    39000000,
    40000000,
    41000000,
    *range(42000001, 42000009),
)
"""The seeds of the held-out sets in the README's accuracy table."""


@pytest.fixture(scope="module")
def tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("train_patch_model", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("part", ["neck", "feet"])
def test_every_planned_clip_is_a_valid_synth_command(tool, part: str) -> None:  # type: ignore[no-untyped-def]
    plan = tool.PARTS[part].plan()
    parser = build_parser()
    for movement, view, extra, seed in plan:
        args = parser.parse_args(
            ["clip", "--movement", movement, "--view", view, "--seed", str(seed), *extra]
        )
        assert str(args.movement) == movement and str(args.view) == view
        if part == "neck":
            assert view == "front"  # the shrug is judged from the front only
        else:
            assert view in ("side_left", "side_right", "oblique")


def test_training_seeds_are_unique_and_never_those_of_measured_clips(tool) -> None:  # type: ignore[no-untyped-def]
    seeds = [s for part in ("neck", "feet") for *_, s in tool.PARTS[part].plan()]
    assert len(seeds) == len(set(seeds))
    n = len(sample_specs())
    measured = {base + i for base in (SAMPLE_SEED, *HELD_OUT_SEEDS) for i in range(n)}
    measured |= {spec.seed for region in REGIONS for spec in wide_specs(region)}
    assert not measured & set(seeds)


@pytest.mark.parametrize(
    ("part", "ranges", "count"),
    [
        ("neck", [(1.2, 1.8), (1.3, 1.7)], 120),
        ("feet", [(1.2, 1.8)], 80),
    ],
)
def test_the_plans_include_clips_filmed_from_above(tool, part, ranges, count) -> None:  # type: ignore[no-untyped-def]
    """Both networks misread parts filmed from above the 0.8-1.3 m the generator draws by
    default (a short neck read as a shrug, half a heel lift read), so each plan holds a
    group of clips from higher cameras; the rest keep the default."""
    parser = build_parser()
    heights = [
        parser.parse_args(["clip", "--movement", m, "--view", v, *extra]).camera_height
        for m, v, extra, _ in tool.PARTS[part].plan()
    ]
    high = [h for h in heights if h[0] >= 1.2]
    assert sorted(set(high)) == ranges and len(high) == count
    assert heights.count((0.8, 1.3)) == len(heights) - count
