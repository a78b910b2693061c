#!/usr/bin/env python3
"""Rebuild a patch network: screening/data/shoulder_rise.onnx (part `neck`, the shrug) or
screening/data/heel_rise.onnx (part `feet`, the heel lift).

Why networks: the pose model's points do not follow a shrugging shoulder girdle or a lifting
heel (see screening/core/patches.py), so those checks compare two small pictures of the part, one
from the squat and one from standing. This script makes the training pictures with the
project's own generator and pose pipeline, and trains.

Steps (each can be run on its own, in an environment that has what it needs):

    python tools/train_patch_model.py PART render  --work W   # synth extras: torch, anny
    python tools/train_patch_model.py PART patches --work W   # the project (mediapipe)
    python tools/train_patch_model.py PART train   --work W   # torch, onnx
    python tools/train_patch_model.py PART all     --work W   # all three in one environment

`render` draws clips from the views that see the part (front for the neck; the sides and
45 degrees for the feet), most with the fault at a random size on a random side and some
with other faults (so that knees caving or feet rolling out are not read as the fault), from
seeds that the sample set and the held-out sets never use. `patches` runs the real pose
model on each clip and cuts the patches exactly as the app does, with the truth of each
frame: how far the part has truly risen since standing. `train` fits the network on pairs of
patches of one side (the second from standing half the time, from any other frame
otherwise) to the rise between them, and writes the ONNX file. About 90 minutes on 2 cores
per part, mostly rendering.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from screening.core.landmarks import Landmark  # noqa: E402

SIDES = ("left", "right", "both")
STANDING_FRAMES = 25
"""Frames before the first rep used as "standing" references."""
Plan = list[tuple[str, str, list[str], int]]
"""(movement, view, further `screening_synth clip` arguments, seed) for every training clip:
the arguments are its --fault options and, for some, --camera-height."""


def other_fault(rng: random.Random, movement: str, choices: tuple[str, ...]) -> list[str]:
    """Another fault of the movement, sided where the fault has a side."""
    other = rng.choice(choices)
    if movement == "lunge" and other in (
        "feet_roll_out",
        "insufficient_depth",
        "asymmetric_shift",
        "heel_lift",
    ):
        return []
    sided = other in ("knee_valgus", "feet_roll_out", "feet_turn_out")
    return [f"{other}:{rng.choice(SIDES)}" if sided else other]


def neck_plan() -> Plan:
    """360 front-view clips: 180 squats and lunges, two thirds with a 2-6.5 cm shrug (seeds
    90101-90190, 90201-90290); 60 deep squats, 70% with a shrug (seeds 90501-90560): in
    the deep squat the arms reach toward the camera and hide the top of the shoulder, the
    view the 180-clip network read worst (held-out 4.5 cm shrugs at 1.1-2.3 cm); and 120
    squats filmed from above, 60 from 1.3-1.7 m, half with a shrug and half with another
    fault (seeds 90601-90660), and 60 from 1.2-1.8 m, mostly overhead squats, 40% with a
    shrug and 60% with another fault (seeds 90701-90760): from above, a trunk pitching
    toward the camera shortens the neck in the picture as a shrug does, and the 240-clip
    network, trained on cameras at 0.8-1.3 m, read such a squat from 1.27 m as a 2.8 cm
    shrug."""
    out: Plan = []
    others = (
        "knee_valgus",
        "feet_roll_out",
        "asymmetric_shift",
        "feet_turn_out",
        "forward_lean",
        "insufficient_depth",
    )
    for first, plan_seed, count, weights, shrugged, other, camera in (
        (90101, 424242, 90, (0.45, 0.45, 0.10), 0.65, 0.35, []),
        (90201, 777, 90, (0.5, 0.4, 0.1), 0.65, 0.35, []),
        (90501, 919191, 60, (1.0, 0.0, 0.0), 0.7, 0.35, []),
        (90601, 616161, 60, (0.4, 0.6, 0.0), 0.5, 0.5, ["--camera-height", "1.3:1.7"]),
        (90701, 717171, 60, (0.3, 0.7, 0.0), 0.4, 0.6, ["--camera-height", "1.2:1.8"]),
    ):
        rng = random.Random(plan_seed)
        for i in range(count):
            movement = rng.choices(["deep_squat", "overhead_squat", "lunge"], weights)[0]
            faults = []
            if (rng.random() < shrugged and movement != "lunge") or (
                movement == "lunge" and rng.random() < 0.5
            ):
                faults.append(f"shoulder_elevation:{rng.choice(SIDES)}:{rng.uniform(2.0, 6.5):.1f}")
            if rng.random() < other:
                faults += other_fault(rng, movement, others)
            if movement == "overhead_squat" and rng.random() < 0.2:
                faults.append("arms_fall_forward")
            out.append(
                (movement, "front", [a for f in faults for a in ("--fault", f)] + camera, first + i)
            )
    return out


def feet_plan() -> Plan:
    """360 squats: 160 from the sides and at 45 degrees, 60% with a 1.5-6 cm heel lift
    (seeds 91101-91160, 91201-91300); 40 at 45 degrees only, 70% with a lift (seeds
    91401-91440): at 45 degrees one foot points toward the camera and its heel rises
    behind it, the hardest view to read; 80 more, 40% from the left, 10% from the right
    and half at 45 degrees, 70% with a lift (seeds 91501-91580): on bodies it had not seen,
    the 200-clip network read 3.3-3.8 cm lifts seen from the left at 1.8-2.6 cm; and 80
    filmed from above, 1.2-1.8 m, 40% from each side and 20% at 45 degrees, 70% with a
    lift (seeds 91601-91680): the 280-clip network, trained on cameras at 0.8-1.3 m, read
    about all of a held-out side-view lift filmed from 0.94-1.09 m but about half of one
    filmed from 1.32-1.51 m (read against true, correlation -0.90 with camera height)."""
    out: Plan = []
    others = (
        "knee_valgus",
        "feet_roll_out",
        "feet_turn_out",
        "forward_lean",
        "insufficient_depth",
        "asymmetric_shift",
    )
    views = ("side_left", "side_right", "oblique")
    for first, plan_seed, count, view_weights, lifted, camera in (
        (91101, 515151, 60, (0.3, 0.3, 0.4), 0.6, []),
        (91201, 626262, 100, (0.3, 0.3, 0.4), 0.6, []),
        (91401, 838383, 40, (0.0, 0.0, 1.0), 0.7, []),
        (91501, 949494, 80, (0.4, 0.1, 0.5), 0.7, []),
        (91601, 161616, 80, (0.4, 0.4, 0.2), 0.7, ["--camera-height", "1.2:1.8"]),
    ):
        rng = random.Random(plan_seed)
        for i in range(count):
            movement = rng.choice(["deep_squat", "overhead_squat"])
            view = rng.choices(views, view_weights)[0]
            faults = []
            if rng.random() < lifted:
                faults.append(f"heel_lift:{rng.choice(SIDES)}:{rng.uniform(1.5, 6.0):.1f}")
            if rng.random() < 0.35:
                faults += other_fault(rng, movement, others)
            if movement == "overhead_squat" and rng.random() < 0.2:
                faults.append("arms_fall_forward")
            out.append(
                (movement, view, [a for f in faults for a in ("--fault", f)] + camera, first + i)
            )
    return out


def neck_truth(world: np.ndarray) -> np.ndarray:
    """(T, 2) minus the true ear-to-shoulder distance in cm, [left, right]: grows as the
    shoulder rises."""
    return np.stack(
        [
            -np.linalg.norm(
                world[:, Landmark[f"{s}_EAR"]] - world[:, Landmark[f"{s}_SHOULDER"]], axis=-1
            )
            * 100.0
            for s in ("LEFT", "RIGHT")
        ],
        axis=1,
    )


def feet_truth(world: np.ndarray) -> np.ndarray:
    """(T, 2) the true height of each heel in cm, [left, right] (world z is up)."""
    return np.stack([world[:, Landmark[f"{s}_HEEL"], 2] * 100.0 for s in ("LEFT", "RIGHT")], axis=1)


def neck_sides(view: str) -> tuple[int, ...]:
    return (0, 1)


def feet_sides(view: str) -> tuple[int, ...]:
    """From the side the far foot hides behind the near one, so only the near one is
    learnt (the check judges only the near one too)."""
    return {"side_left": (0,), "side_right": (1,)}.get(view, (0, 1))


@dataclass(frozen=True)
class Part:
    plan: Callable[[], Plan]
    truth: Callable[[np.ndarray], np.ndarray]
    sides: Callable[[str], tuple[int, ...]]
    cutter: str
    """module:function that cuts the (2, PATCH, PATCH) patches of a frame."""
    model: str
    """module whose MODEL_FILE the network is written to."""
    clip_range: tuple[float, float]
    """Targets are clipped to this range (cm): the sizes the clips hold."""
    members: int
    """Networks trained from different seeds whose answers are averaged."""
    epochs: int
    negatives: bool
    """Show half the training pairs in negative (see `train`)."""


PARTS = {
    "neck": Part(
        neck_plan,
        neck_truth,
        neck_sides,
        "screening.pose.shoulder_rise:neck_patches",
        "screening.pose.shoulder_rise",
        (-2.0, 8.0),
        members=1,
        epochs=10,
        negatives=False,
    ),
    "feet": Part(
        feet_plan,
        feet_truth,
        feet_sides,
        "screening.pose.heel_rise:foot_patches",
        "screening.pose.heel_rise",
        (-2.0, 8.0),
        members=3,
        epochs=8,
        negatives=True,
    ),
}


def render(part: Part, work: Path, workers: int) -> None:
    clips = work / "clips"
    clips.mkdir(parents=True, exist_ok=True)
    todo = []
    for movement, view, extra, seed in part.plan():
        if (clips / f"s{seed}.json").exists():
            continue
        todo.append(
            [
                sys.executable,
                "-m",
                "screening_synth",
                "clip",
                "--movement",
                movement,
                "--view",
                view,
                "--seed",
                str(seed),
                "--name",
                f"s{seed}",
                "--out",
                str(clips),
                *extra,
            ]
        )
    running: list[subprocess.Popen[bytes]] = []
    for k, args in enumerate(todo, 1):
        while len(running) >= workers:
            running.pop(0).wait()
        print(f"render {k}/{len(todo)}: {args[args.index('--name') + 1]}", flush=True)
        running.append(subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL))
    for p in running:
        p.wait()


def patches(part: Part, work: Path) -> None:
    import importlib

    import cv2

    from screening.core.settings import load_settings
    from screening.engine.cache import LandmarkCache
    from screening.pose.model_file import resolve_model

    module, name = part.cutter.split(":")
    cut = getattr(importlib.import_module(module), name)
    settings, model = load_settings(), resolve_model()
    cache = LandmarkCache(work / "landmarks")
    out_dir = work / "patches"
    out_dir.mkdir(exist_ok=True)
    videos = sorted((work / "clips").glob("*.mp4"))
    if not videos:
        raise NothingToDo(f"no clips in {work / 'clips'}; run the render step first")
    for video in videos:
        out = out_dir / f"{video.stem}.npz"
        label_file = video.with_suffix(".json")
        if out.exists() or not label_file.exists():
            continue
        label = json.loads(label_file.read_text())
        _, seq = cache.extract(video, model, settings)
        world = np.load(video.with_name(f"{video.stem}.truth.npz"))["world_xyz"]
        standing_end = label["reps"][0]["start_frame"]
        rows = {int(f): t for t, f in enumerate(seq.frame_indices)}
        cap = cv2.VideoCapture(str(video))
        pics, frames = [], []
        index = 0
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            if index in rows:
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                pics.append(cut(rgb, seq.image[rows[index]]))
                frames.append(index)
            index += 1
        targets = part.truth(world)
        targets -= np.median(targets[:standing_end], axis=0)
        frames_a = np.asarray(frames)
        np.savez_compressed(
            out,
            patches=np.stack(pics),
            frames=frames_a,
            rise_cm=targets[frames_a].astype(np.float32),
            sides=np.asarray(part.sides(label.get("view", "front"))),
            standing=frames_a[
                (frames_a < standing_end) & (frames_a >= standing_end - STANDING_FRAMES)
            ],
        )
        print(f"patches: {video.stem}", flush=True)


class NothingToDo(Exception):
    """The work folder holds nothing for the step: no clips, or no patches."""


_member: Callable[[int], dict[str, np.ndarray]] | None = None
"""The member-training function of the running `train`, for forked worker processes."""


def _train_member(seed: int) -> dict[str, np.ndarray]:
    """Run in a forked worker: train one member on one core and send back its weights."""
    import torch

    torch.set_num_threads(1)
    assert _member is not None
    return _member(seed)


def train(part: Part, work: Path, epochs: int, out: Path | None = None, jobs: int = 1) -> None:
    """Fit `part.members` networks and write their average as ONNX. With `jobs` > 1 the
    members train at once in forked processes, one thread each: the network is small, so
    one member gains little from a second thread, and three members sharing two cores
    finish sooner than three one after the other. Forking shares the patches (about 1 GB)
    without copying them."""
    global _member
    import importlib
    import multiprocessing

    import torch
    from torch import nn

    from screening.core.patches import PATCH, has_patch, standardised

    model_file = out or importlib.import_module(part.model).MODEL_FILE
    model_file.parent.mkdir(parents=True, exist_ok=True)
    current, target, refs, owner = [], [], [], []
    for f in sorted((work / "patches").glob("*.npz")):
        d = np.load(f)
        for k in d.get("sides", (0, 1)):
            pics = d["patches"][:, k]
            ok = has_patch(pics)
            stand = ok & np.isin(d["frames"], d["standing"])
            if not stand.any():
                continue
            current.append(standardised(pics[ok]))
            target.append(np.clip(d["rise_cm"][ok, k], *part.clip_range))
            owner.append(np.full(int(ok.sum()), len(refs)))
            first = sum(len(c) for c in current[:-1])
            refs.append((first, first + int(ok.sum()), np.flatnonzero(stand[ok]) + first))
    if not current:
        raise NothingToDo(f"no training patches in {work / 'patches'}; run the patches step first")
    x, y, who = np.concatenate(current), np.concatenate(target), np.concatenate(owner)
    print(f"train: {len(refs)} sides, {len(x)} patches", flush=True)

    def network() -> nn.Module:
        return nn.Sequential(
            nn.Conv2d(2, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Dropout(0.3),
            nn.Linear(32 * (PATCH // 8) ** 2, 32),
            nn.ReLU(),
            nn.Linear(32, 1),
            nn.Flatten(0),
        )

    def fit(seed: int) -> dict[str, np.ndarray]:
        """The weights of one network, trained from `seed`."""
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        net = network()
        batch = 128
        opt = torch.optim.AdamW(net.parameters(), 1e-3, weight_decay=1e-2)
        sched = torch.optim.lr_scheduler.OneCycleLR(
            opt, 2e-3, total_steps=epochs * (len(x) // batch + 1)
        )

        def reference(side: int) -> int:
            """A standing patch of the same side half the time (as the check uses it), any
            other patch of it otherwise, so that the answer is the rise between the two."""
            start, end, standing = refs[side]
            if rng.random() < 0.5:
                return int(rng.choice(standing))
            return int(rng.integers(start, end))

        for epoch in range(epochs):
            net.train()
            order, total = rng.permutation(len(x)), 0.0
            for b in range(0, len(x), batch):
                idx = order[b : b + batch]
                ref = np.array([reference(o) for o in who[idx]])
                gain = rng.uniform(0.8, 1.2, (len(idx), 1, 1, 1)).astype(np.float32)
                if part.negatives:
                    # Half the pairs in negative: a dark shoe on a pale floor then looks like
                    # a pale foot on a dark floor, so no pairing of clothes and floor is new.
                    gain *= rng.choice(np.float32([-1.0, 1.0]), (len(idx), 1, 1, 1))
                pair = np.stack([x[idx], x[ref]], axis=1) * gain
                pair += rng.normal(0, 0.1, pair.shape).astype(np.float32)
                loss = nn.functional.smooth_l1_loss(
                    net(torch.from_numpy(pair)), torch.from_numpy(y[idx] - y[ref])
                )
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                total += loss.item() * len(idx)
            print(
                f"member {seed}, epoch {epoch + 1}/{epochs}: loss {total / len(x):.4f}", flush=True
            )
        return {k: v.detach().numpy().copy() for k, v in net.state_dict().items()}

    def trained(weights: dict[str, np.ndarray]) -> nn.Module:
        net = network()
        net.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()})
        return net.eval()

    class Mean(nn.Module):
        """The members' average answer: networks trained from different seeds disagree
        by up to a centimetre on unseen bodies, and their mean wobbles less."""

        def __init__(self, members: list[nn.Module]) -> None:
            super().__init__()
            self.members = nn.ModuleList(members)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.stack([m(x) for m in self.members]).mean(dim=0)

    seeds = range(part.members)
    if jobs > 1 and part.members > 1:
        _member = fit
        with multiprocessing.get_context("fork").Pool(min(jobs, part.members)) as pool:
            weights = pool.map(_train_member, seeds)
        _member = None
    else:
        weights = [fit(seed) for seed in seeds]
    members = [trained(w) for w in weights]
    net = members[0] if len(members) == 1 else Mean(members).eval()
    torch.onnx.export(
        net,
        torch.zeros(1, 2, PATCH, PATCH),
        str(model_file),
        dynamo=False,
        input_names=["patches"],
        output_names=["rise_cm"],
        dynamic_axes={"patches": {0: "n"}, "rise_cm": {0: "n"}},
        opset_version=13,
    )
    print(f"wrote {model_file}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("part", choices=sorted(PARTS), help="neck (shrug) or feet (heel lift)")
    parser.add_argument("step", choices=["render", "patches", "train", "all"])
    parser.add_argument(
        "--work",
        type=Path,
        required=True,
        help="folder for the clips, landmarks and patches (~150 MB)",
    )
    parser.add_argument("--workers", type=int, default=2, help="clips rendered at once")
    parser.add_argument("--epochs", type=int, help="default: 10 for the neck, 8 for the feet")
    parser.add_argument(
        "--jobs",
        type=int,
        help="networks trained at once, one thread each (default: all the "
        "part's networks, three for the feet)",
    )
    parser.add_argument(
        "--out", type=Path, help="write the network here instead of over the committed one"
    )
    args = parser.parse_args()
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    part = PARTS[args.part]
    try:
        if args.step in ("render", "all"):
            render(part, args.work, args.workers)
        if args.step in ("patches", "all"):
            patches(part, args.work)
        if args.step in ("train", "all"):
            train(part, args.work, args.epochs or part.epochs, args.out, args.jobs or part.members)
    except ModuleNotFoundError as exc:
        print(
            f"train_patch_model.py: {exc.name} is not installed; the {args.step} step needs "
            "the environment named in this script's help",
            file=sys.stderr,
        )
        return 1
    except NothingToDo as exc:
        print(f"train_patch_model.py: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
