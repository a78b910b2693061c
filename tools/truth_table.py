"""Each check's value per rep next to what the renderer's truth says, for a rendered set.

Why: F1 says that a check failed, not why. This prints, for every clip of a folder made by
`python -m screening_synth`, the camera (yaw, height), each rep's measured value and
uncertainty of the checks the truth can be compared with, and the true value, so a measure
that drifts with the camera angle or the trunk's lean shows as a column of errors.

    python tools/truth_table.py /tmp/wide_held --cache /tmp/cache --check insufficient_depth
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from screening.core.settings import load_settings
from screening.engine.cache import LandmarkCache
from screening.engine.pipeline import analyse
from screening.pose.model_file import resolve_model

TRUTH = {
    # check: (truth key per rep, how a measured value compares: measured ~ sign * truth)
    "insufficient_depth": ("thigh_below_horizontal_deg", -1.0),
    "forward_lean": ("trunk_minus_shin_deg", 1.0),
    "arms_fall_forward": ("arms_forward_of_trunk_deg", 1.0),
    "feet_turn_out": ("foot_turn_out_change_deg_left", 1.0),
    "asymmetric_shift": ("pelvis_shift_cm", 1.0),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--cache", required=True)
    parser.add_argument(
        "--check",
        action="append",
        default=None,
        help="check code(s) to show (default: all with a truth)",
    )
    args = parser.parse_args()
    labels = json.loads((args.folder / "labels.json").read_text())["clips"]
    settings = load_settings(None)
    model = resolve_model()
    cache = LandmarkCache(args.cache)
    wanted = args.check or list(TRUTH)
    for name, label in labels.items():
        a = analyse(args.folder / name, model, settings, extract=cache.extract)
        cam = label["camera"]
        head = (
            f"{name}  yaw {label['yaw_deg']:+.0f}  h {cam['height_m']:.2f}  view->{a.context.view}"
        )
        print(head)
        for check in a.checks:
            code = str(check.code)
            if code not in wanted:
                continue
            key, sign = TRUTH.get(code, (None, 1.0))
            true = (
                [sign * float(m.get(key, np.nan)) for m in label["measured_at_bottom"]]
                if key
                else []
            )
            got = (
                ", ".join(f"{v:6.1f}" for v in check.rep_values)
                if check.assessable
                else f"n/a ({check.reason})"
            )
            want = ", ".join(f"{v:6.1f}" for v in true)
            flag = "FOUND" if check.findings else "border" if check.borderline else ""
            print(f"   {code:20s} got [{got}]  truth [{want}]  {flag}")


if __name__ == "__main__":
    main()
