"""The committed sample set (`sample_videos/`): which clips, and how to regenerate them.

Why a fixed list: the sample clips are test fixtures and evaluation data; they must be
reproducible from one command. Every clip's seed is SAMPLE_SEED + its position in the list,
so adding a clip at the end changes no other clip.

Coverage: all three movements and all four views; every fault at least once, each filmed
from a view that can see it (vocabulary.VIEWS_THAT_SEE); the faults that matter most
(heel_lift, feet_roll_out, shoulder_elevation) three times and knee_valgus twice; twenty
clean clips, so false findings can be counted per 20 clean clips.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from screening.core.codes import Check, Movement, View
from screening_synth.camera import CAMERA_HEIGHTS_M
from screening_synth.clip import CRF, FPS, ClipSpec, render_clip
from screening_synth.faults import UNITS, Fault, Side
from screening_synth.truth import BONE_LANDMARKS, VERTEX_LANDMARKS

SAMPLE_SEED = 20261121
LABELS_FILE = "labels.json"

M, V, C, S = Movement, View, Check, Side

_CLIPS: list[tuple[Movement, View, tuple[Fault, ...]]] = [
    (M.DEEP_SQUAT, V.SIDE_LEFT, ()),
    (M.OVERHEAD_SQUAT, V.FRONT, ()),
    (M.LUNGE, V.FRONT, ()),
    (M.DEEP_SQUAT, V.SIDE_RIGHT, (Fault(C.HEEL_LIFT, S.BOTH, 4.0),)),
    (M.OVERHEAD_SQUAT, V.OBLIQUE, (Fault(C.HEEL_LIFT, S.BOTH, 3.5),)),
    (M.DEEP_SQUAT, V.FRONT, (Fault(C.FEET_ROLL_OUT, S.BOTH, 18.0),)),
    (M.OVERHEAD_SQUAT, V.FRONT, (Fault(C.FEET_ROLL_OUT, S.RIGHT, 20.0),)),
    (M.OVERHEAD_SQUAT, V.FRONT, (Fault(C.SHOULDER_ELEVATION, S.BOTH, 4.0),)),
    (M.DEEP_SQUAT, V.FRONT, (Fault(C.SHOULDER_ELEVATION, S.LEFT, 4.5),)),
    (M.DEEP_SQUAT, V.FRONT, (Fault(C.KNEE_VALGUS, S.BOTH, 15.0),)),
    (M.LUNGE, V.FRONT, (Fault(C.KNEE_VALGUS, S.LEFT, 16.0),)),
    (M.DEEP_SQUAT, V.FRONT, (Fault(C.FEET_TURN_OUT, S.BOTH, 22.0),)),
    (M.DEEP_SQUAT, V.SIDE_RIGHT, (Fault(C.FORWARD_LEAN, S.NONE, 25.0),)),
    (M.OVERHEAD_SQUAT, V.SIDE_RIGHT, (Fault(C.ARMS_FALL_FORWARD, S.BOTH, 25.0),)),
    (M.DEEP_SQUAT, V.OBLIQUE, (Fault(C.INSUFFICIENT_DEPTH, S.NONE, 30.0),)),
    (M.OVERHEAD_SQUAT, V.FRONT, (Fault(C.ASYMMETRIC_SHIFT, S.RIGHT, 8.0),)),
    (M.LUNGE, V.FRONT, (Fault(C.BALANCE_LOSS, S.NONE, 5.0),)),
    (M.LUNGE, V.SIDE_LEFT, (Fault(C.FORWARD_LEAN, S.NONE, 25.0),)),
    # Seventeen more clean clips, so that false findings can be counted per 20 clean clips
    # over every movement and view (each with its own random body, camera and room).
    (M.DEEP_SQUAT, V.FRONT, ()),
    (M.DEEP_SQUAT, V.SIDE_RIGHT, ()),
    (M.DEEP_SQUAT, V.OBLIQUE, ()),
    (M.DEEP_SQUAT, V.FRONT, ()),
    (M.DEEP_SQUAT, V.SIDE_LEFT, ()),
    (M.DEEP_SQUAT, V.OBLIQUE, ()),
    (M.OVERHEAD_SQUAT, V.SIDE_LEFT, ()),
    (M.OVERHEAD_SQUAT, V.SIDE_RIGHT, ()),
    (M.OVERHEAD_SQUAT, V.OBLIQUE, ()),
    (M.OVERHEAD_SQUAT, V.FRONT, ()),
    (M.OVERHEAD_SQUAT, V.SIDE_RIGHT, ()),
    (M.OVERHEAD_SQUAT, V.OBLIQUE, ()),
    (M.LUNGE, V.SIDE_LEFT, ()),
    (M.LUNGE, V.SIDE_RIGHT, ()),
    (M.LUNGE, V.OBLIQUE, ()),
    (M.LUNGE, V.FRONT, ()),
    (M.LUNGE, V.SIDE_RIGHT, ()),
    # A second and third look at the signature checks, from other views and sides.
    (M.DEEP_SQUAT, V.OBLIQUE, (Fault(C.HEEL_LIFT, S.BOTH, 4.0),)),
    (M.DEEP_SQUAT, V.SIDE_LEFT, (Fault(C.HEEL_LIFT, S.BOTH, 3.5),)),
    (M.OVERHEAD_SQUAT, V.FRONT, (Fault(C.SHOULDER_ELEVATION, S.RIGHT, 5.0),)),
    (M.DEEP_SQUAT, V.FRONT, (Fault(C.FEET_ROLL_OUT, S.LEFT, 16.0),)),
]


def clip_name(movement: Movement, view: View, faults: tuple[Fault, ...]) -> str:
    """File stem saying what the clip holds: movement__view__fault (or clean)."""
    what = "__".join(str(f.code) for f in faults) or "clean"
    return f"{movement}__{view}__{what}"


def sample_specs(
    seed: int = SAMPLE_SEED,
    camera_heights_m: tuple[float, float] = CAMERA_HEIGHTS_M,
    front_yaw_deg: tuple[float, float] | None = None,
) -> list[ClipSpec]:
    """The sample set, in a fixed order; a repeated name gets a number (`..._clean_2`).
    Another seed or camera heights give a held-out set of the same clips."""
    specs, seen = [], Counter[str]()
    for i, (m, v, f) in enumerate(_CLIPS):
        name = clip_name(m, v, f)
        seen[name] += 1
        if seen[name] > 1:
            name = f"{name}_{seen[name]}"
        specs.append(
            ClipSpec(
                name=name,
                movement=m,
                view=v,
                faults=f,
                seed=seed + i,
                camera_heights_m=camera_heights_m,
                front_yaw_deg=front_yaw_deg,
            )
        )
    return specs


def generator_info(
    seed: int, camera_heights_m: tuple[float, float] = CAMERA_HEIGHTS_M
) -> dict[str, object]:
    """The labels file's "generator" block: how the clips were made and what the fields mean."""
    import importlib.metadata as md

    def version(pkg: str) -> str:
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return "unknown"

    return {
        "name": "screening_synth",
        "command": "python tools/make_sample_videos.py",
        "seed": seed,
        "clip_seed": "seed + index of the clip in screening_synth.sample_set",
        "camera_heights_m": list(camera_heights_m),
        "body_model": f"anny {version('anny')} (Apache-2.0, MakeHuman based)",
        "torch": version("torch"),
        "encoder": f"libx264 via PyAV {version('av')}, yuv420p, crf {CRF}",
        "fps": FPS,
        "world_frame": (
            "metres; x = the person's left, y = backwards (the person faces -y), z = up; "
            "floor z = 0"
        ),
        "yaw_deg": (
            "camera angle around the person from the front toward the person's left: "
            "0 front, +90 side_left, -90 side_right"
        ),
        "truth_npz": (
            "image_xy (T,33,2) float32 pixels (x right, y down, origin top-left corner); "
            "world_xyz (T,33,3) float32 world metres; "
            "landmark order = screening.core.landmarks.Landmark"
        ),
        "landmark_sources": {
            **{lm.name: f"vertex {v}" for lm, v in VERTEX_LANDMARKS.items()},
            **{lm.name: f"bone head {b}" for lm, b in BONE_LANDMARKS.items()},
        },
        "fault_units": {str(c): u for c, u in UNITS.items()},
        "fault_magnitude": (
            "size at the bottom of each rep (each rep varies by -8..+5 %); "
            "the fault grows during the descent"
        ),
        "reps": (
            "start_frame = last standing frame before the rep, bottom_frame = middle of the "
            "bottom hold, end_frame = first standing frame after"
        ),
        "measured_at_bottom": (
            "per rep, measured on the truth landmarks (screening_synth.truth.rep_measurements)"
        ),
    }


def _render_one(spec: ClipSpec, out_dir: str) -> tuple[str, dict[str, object], float]:
    label, seconds = render_clip(spec, Path(out_dir))
    return spec.name, label, seconds


def _warm_model_cache() -> None:
    from screening_synth.body import load_model

    load_model()


def regenerate(
    out_dir: Path,
    workers: int = 2,
    seed: int = SAMPLE_SEED,
    only: list[str] | None = None,
    camera_heights_m: tuple[float, float] = CAMERA_HEIGHTS_M,
    front_yaw_deg: tuple[float, float] | None = None,
) -> dict[str, object]:
    """Render the sample set into `out_dir` (one clip per process) and write labels.json.

    With `only`, just those clips are re-rendered and their entries replaced in an
    existing labels.json.
    """
    return render_set(
        sample_specs(seed, camera_heights_m, front_yaw_deg),
        out_dir,
        workers,
        generator_info(seed, camera_heights_m),
        only,
    )


def render_set(
    specs: list[ClipSpec],
    out_dir: Path,
    workers: int,
    generator: dict[str, object],
    only: list[str] | None = None,
    label_extra: Callable[[ClipSpec], dict[str, object]] | None = None,
) -> dict[str, object]:
    """Render `specs` into `out_dir` (one clip per process) and write labels.json in their
    order; `label_extra(spec)` adds or replaces fields of a clip's label."""
    all_specs = specs
    if only:
        unknown = set(only) - {s.name for s in specs}
        if unknown:
            raise SystemExit(f"unknown clip(s): {', '.join(sorted(unknown))}")
        specs = [s for s in specs if s.name in only]
    by_name = {s.name: s for s in specs}
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    ctx = multiprocessing.get_context("spawn")
    clips: dict[str, object] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        # Build anny's on-disk cache once (about two minutes the first time on a machine)
        # rather than in every worker at once.
        pool.submit(_warm_model_cache).result()
        futures = [pool.submit(_render_one, s, str(out_dir)) for s in specs]
        for n, fut in enumerate(as_completed(futures), start=1):
            name, label, seconds = fut.result()
            if label_extra is not None:
                label.update(label_extra(by_name[name]))
            clips[f"{name}.mp4"] = label
            size = (out_dir / f"{name}.mp4").stat().st_size / 1e6
            print(
                f"[{n:2d}/{len(specs)}] {name}.mp4  {label['frames']} frames  "
                f"{size:.2f} MB  {seconds:.0f} s",
                flush=True,
            )
    labels_path = out_dir / LABELS_FILE
    if only and labels_path.exists():
        existing = json.loads(labels_path.read_text())
        merged = dict(existing.get("clips", {}))
        merged.update(clips)
        clips = merged
    order = [f"{s.name}.mp4" for s in all_specs]
    ordered = {k: clips[k] for k in order if k in clips}
    ordered.update({k: v for k, v in clips.items() if k not in ordered})
    labels = {"generator": generator, "clips": ordered}
    labels_path.write_text(json.dumps(labels, indent=1) + "\n")
    total = sum(p.stat().st_size for p in out_dir.iterdir() if p.is_file()) / 1e6
    print(
        f"wrote {len(ordered)} clips + {LABELS_FILE} to {out_dir} ({total:.1f} MB) "
        f"in {time.perf_counter() - t0:.0f} s",
        file=sys.stderr,
    )
    return labels
