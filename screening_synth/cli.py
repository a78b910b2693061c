"""Command line: `python -m screening_synth sample-set | wide-set | clip | still`.

sample-set  regenerate the committed sample set (fixed seed, both cores).
wide-set    render the widened set's tuning or held-out region (issue 25, item 6).
clip        render one clip with chosen movement, view, faults and seed.
still       save PNGs of a clip's first frame and first rep's bottom (for looking at).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from screening.core.codes import Check, Movement, View
from screening_synth.camera import CAMERA_HEIGHTS_M
from screening_synth.faults import Fault, Side


def parse_fault(text: str) -> Fault:
    """CODE[:SIDE[:MAGNITUDE]], e.g. heel_lift:both:4 or knee_valgus:left."""
    parts = text.split(":")
    try:
        code = Check(parts[0])
        side = Side(parts[1]) if len(parts) > 1 and parts[1] else Side.BOTH
        magnitude = float(parts[2]) if len(parts) > 2 else None
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"bad fault {text!r}: {exc}") from None
    return Fault(code, side, magnitude)


def bounded_range(
    text: str, what: str, example: str, low: float, high: float
) -> tuple[float, float]:
    """LO:HI with low <= LO <= HI <= high, or an argparse error naming `what`."""
    try:
        lo, hi = (float(v) for v in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"bad {what} {text!r}: expected LO:HI, e.g. {example}"
        ) from None
    if not low <= lo <= hi <= high:
        raise argparse.ArgumentTypeError(
            f"bad {what} {text!r}: need {low:g} <= LO <= HI <= {high:g}"
        )
    return lo, hi


def parse_range(text: str) -> tuple[float, float]:
    """LO:HI in metres, e.g. 1.3:1.7."""
    return bounded_range(text, "range", "1.3:1.7", 0.2, 3.0)


def parse_front_yaw(text: str) -> tuple[float, float]:
    """LO:HI in degrees off the person's front, e.g. 8:18 (at most 30: beyond, a front
    view turns oblique)."""
    return bounded_range(text, "range", "8:18", 0.0, 30.0)


def camera_height_option(parser: argparse.ArgumentParser) -> None:
    """--camera-height, shared by `clip`, `still` and `sample-set`: training clips and
    held-out sets filmed from other heights use it; the samples keep the default."""
    parser.add_argument(
        "--camera-height",
        type=parse_range,
        default=CAMERA_HEIGHTS_M,
        metavar="LO:HI",
        help="metres; each clip's camera height is drawn from this range "
        f"(default {CAMERA_HEIGHTS_M[0]}:{CAMERA_HEIGHTS_M[1]})",
    )


def parse_yaw(text: str) -> tuple[float, float]:
    """LO:HI signed camera yaw in degrees (0 front, +90 the person's left side)."""
    return bounded_range(text, "yaw", "30:60", -180.0, 180.0)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m screening_synth",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample-set", help="regenerate sample_videos/ (fixed seed)")
    s.add_argument("--out", type=Path, default=Path("sample_videos"))
    s.add_argument("--workers", type=int, default=2)
    s.add_argument("--seed", type=int, default=None, help="default: sample_set.SAMPLE_SEED")
    s.add_argument("--only", nargs="*", help="clip names (file stems) to re-render")
    camera_height_option(s)
    s.add_argument(
        "--front-yaw",
        type=parse_front_yaw,
        default=None,
        metavar="LO:HI",
        help="degrees; front views are filmed this far off the person's front, "
        "either side (a held-out region: the samples keep within 6)",
    )
    w = sub.add_parser("wide-set", help="render the widened set's tuning or held-out region")
    w.add_argument("--region", choices=["tune", "held"], required=True)
    w.add_argument("--out", type=Path, required=True)
    w.add_argument("--workers", type=int, default=2)
    w.add_argument("--seed", type=int, default=None, help="default: wide_set.WIDE_SEED")
    w.add_argument("--only", nargs="*", help="clip names (file stems) to re-render")
    for name, helptext in (("clip", "render one clip"), ("still", "PNG stills of one clip")):
        c = sub.add_parser(name, help=helptext)
        c.add_argument("--movement", type=Movement, choices=list(Movement), required=True)
        c.add_argument("--view", type=View, choices=list(View), required=True)
        c.add_argument(
            "--fault",
            type=parse_fault,
            action="append",
            default=[],
            help="CODE[:SIDE[:MAG]], repeatable",
        )
        c.add_argument("--seed", type=int, default=0)
        c.add_argument("--reps", type=int, choices=[2, 3], default=None)
        camera_height_option(c)
        c.add_argument(
            "--yaw",
            type=parse_yaw,
            default=None,
            metavar="LO:HI",
            help="signed camera yaw in degrees, drawn from this range (0 = front, "
            "+90 = the person's left side); overrides the view's usual range",
        )
        c.add_argument(
            "--wide",
            action="store_true",
            help="squats: draw the clean bottom (depth, shin, trunk) from the "
            "whole range people show, not the samples' one shape",
        )
        c.add_argument("--name", default=None, help="file stem (default: movement__view__faults)")
        c.add_argument("--out", type=Path, default=Path("."))
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "sample-set":
        from screening_synth.sample_set import SAMPLE_SEED, regenerate

        regenerate(
            args.out,
            workers=args.workers,
            seed=SAMPLE_SEED if args.seed is None else args.seed,
            only=args.only,
            camera_heights_m=args.camera_height,
            front_yaw_deg=args.front_yaw,
        )
        return 0

    if args.command == "wide-set":
        from screening_synth.wide_set import WIDE_SEED, regenerate_wide

        regenerate_wide(
            args.out,
            args.region,
            args.workers,
            WIDE_SEED if args.seed is None else args.seed,
            args.only,
        )
        return 0

    from screening_synth.clip import ClipSpec, render_clip, simulate
    from screening_synth.sample_set import clip_name

    faults = tuple(args.fault)
    name = args.name or clip_name(args.movement, args.view, faults)
    spec = ClipSpec(
        name=name,
        movement=args.movement,
        view=args.view,
        faults=faults,
        seed=args.seed,
        n_reps=args.reps,
        camera_heights_m=args.camera_height,
        yaw_deg=args.yaw,
        wide=args.wide,
    )
    if args.command == "clip":
        label, seconds = render_clip(spec, args.out)
        (args.out / f"{name}.json").write_text(json.dumps(label, indent=1) + "\n")
        print(
            f"{args.out / (name + '.mp4')}: {label['frames']} frames in {seconds:.0f} s",
            file=sys.stderr,
        )
        return 0
    import cv2

    truth_only = simulate(spec, render=False)
    reps = truth_only.label["reps"]
    frames = [0, reps[0]["bottom_frame"]]  # type: ignore[index]
    clip = simulate(spec, render=frames)
    args.out.mkdir(parents=True, exist_ok=True)
    for i, img in zip(frames, clip.frames, strict=True):
        path = args.out / f"{name}__frame{i:04d}.png"
        cv2.imwrite(str(path), img)
        print(path)
    return 0
