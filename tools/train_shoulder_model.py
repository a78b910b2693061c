#!/usr/bin/env python3
"""Rebuild screening/data/shoulder_rise.onnx, the network that sees a shoulder shrug.

Why a network: the pose model's shoulder points do not rise with the shoulder girdle (see
screening/shoulder_rise.py), so the shoulder_elevation check compares two small pictures of
the side of the neck, one from the squat and one from standing. This script makes the
training pictures with the project's own generator and pose pipeline, and trains.

Steps (each can be run on its own, in an environment that has what it needs):

    python tools/train_shoulder_model.py render  --work W   # synth extras: torch, anny
    python tools/train_shoulder_model.py patches --work W   # the project (mediapipe)
    python tools/train_shoulder_model.py train   --work W   # torch, onnx
    python tools/train_shoulder_model.py all     --work W   # all three in one environment

`render` draws front-view deep squats, overhead squats and lunges, most with a shrug of a
random size on a random side and some with other faults (so that knees caving or feet
rolling out are not read as a shrug), from seeds that the sample set and the checks'
held-out sets never use. `patches` runs the real pose model on each clip and cuts the
neck patches exactly as the app does (`screening.shoulder_rise.neck_patches`), with the
truth of each frame: how much the true ear-to-shoulder distance has closed since standing.
`train` fits the network on pairs of patches of one side (the second one from standing half
the time, from any other frame otherwise) to the rise between them, and writes the ONNX file.
About 90 minutes on 2 cores, mostly rendering.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from screening.landmarks import Landmark  # noqa: E402

SEED = 90101
"""First training seed; the sample set starts at 20261121 and held-out sets near it."""
BATCHES = ((SEED, 424242, (0.45, 0.45, 0.10)), (SEED + 100, 777, (0.5, 0.4, 0.1)))
"""(first seed, plan seed, movement weights): 90 clips each."""
CLIPS_PER_BATCH = 90
OTHER_FAULTS = ("knee_valgus", "feet_roll_out", "asymmetric_shift", "feet_turn_out",
                "forward_lean", "insufficient_depth")
STANDING_FRAMES = 25
"""Frames before the first rep used as "standing" references."""


def plan() -> list[tuple[str, list[str], int]]:
    """(movement, --fault arguments, seed) for every training clip."""
    out = []
    for first, plan_seed, weights in BATCHES:
        rng = random.Random(plan_seed)
        for i in range(CLIPS_PER_BATCH):
            movement = rng.choices(["deep_squat", "overhead_squat", "lunge"], weights)[0]
            faults = []
            if (rng.random() < 0.65 and movement != "lunge") or \
                    (movement == "lunge" and rng.random() < 0.5):
                side = rng.choice(["left", "right", "both"])
                faults.append(f"shoulder_elevation:{side}:{rng.uniform(2.0, 6.5):.1f}")
            if rng.random() < 0.35:
                other = rng.choice(OTHER_FAULTS)
                if not (movement == "lunge" and other in ("feet_roll_out", "insufficient_depth",
                                                         "asymmetric_shift")):
                    sided = other in ("knee_valgus", "feet_roll_out", "feet_turn_out")
                    faults.append(f"{other}:{rng.choice(['left', 'right', 'both'])}"
                                  if sided else other)
            if movement == "overhead_squat" and rng.random() < 0.2:
                faults.append("arms_fall_forward")
            out.append((movement, faults, first + i))
    return out


def render(work: Path, workers: int) -> None:
    clips = work / "clips"
    clips.mkdir(parents=True, exist_ok=True)
    todo = []
    for movement, faults, seed in plan():
        if (clips / f"s{seed}.json").exists():
            continue
        args = [sys.executable, "-m", "screening.synth", "clip", "--movement", movement,
                "--view", "front", "--seed", str(seed), "--name", f"s{seed}",
                "--out", str(clips)]
        for f in faults:
            args += ["--fault", f]
        todo.append(args)
    running: list[subprocess.Popen[bytes]] = []
    for k, args in enumerate(todo, 1):
        while len(running) >= workers:
            running.pop(0).wait()
        print(f"render {k}/{len(todo)}: {args[args.index('--name') + 1]}", flush=True)
        running.append(subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL))
    for p in running:
        p.wait()


def closing_cm(world: np.ndarray, side: str) -> np.ndarray:
    """Minus the true ear-to-shoulder distance in cm: grows as the shoulder rises."""
    ear = world[:, Landmark[f"{side}_EAR"]]
    shoulder = world[:, Landmark[f"{side}_SHOULDER"]]
    return -np.linalg.norm(ear - shoulder, axis=-1) * 100.0


def patches(work: Path) -> None:
    import cv2

    from screening.cache import LandmarkCache
    from screening.model import resolve_model
    from screening.settings import load_settings
    from screening.shoulder_rise import neck_patches

    settings, model = load_settings(), resolve_model()
    cache = LandmarkCache(work / "landmarks")
    out_dir = work / "patches"
    out_dir.mkdir(exist_ok=True)
    for video in sorted((work / "clips").glob("*.mp4")):
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
                pics.append(neck_patches(rgb, seq.image[rows[index]]))
                frames.append(index)
            index += 1
        targets = np.stack([closing_cm(world, s) for s in ("LEFT", "RIGHT")], axis=1)
        targets -= np.median(targets[:standing_end], axis=0)
        frames_a = np.asarray(frames)
        np.savez_compressed(out, patches=np.stack(pics), frames=frames_a,
                            rise_cm=targets[frames_a].astype(np.float32),
                            standing=frames_a[(frames_a < standing_end)
                                              & (frames_a >= standing_end - STANDING_FRAMES)])
        print(f"patches: {video.stem}", flush=True)


def train(work: Path, epochs: int) -> None:
    import torch
    from torch import nn

    from screening.shoulder_rise import MODEL_FILE, PATCH, _standardised, has_patch

    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    current, target, refs, owner = [], [], [], []
    for f in sorted((work / "patches").glob("*.npz")):
        d = np.load(f)
        for k in range(2):
            pics = d["patches"][:, k]
            ok = has_patch(pics)
            stand = ok & np.isin(d["frames"], d["standing"])
            if not stand.any():
                continue
            current.append(_standardised(pics[ok]))
            target.append(np.clip(d["rise_cm"][ok, k], -2.0, 8.0))
            owner.append(np.full(int(ok.sum()), len(refs)))
            first = sum(len(c) for c in current[:-1])
            refs.append((first, first + int(ok.sum()), np.flatnonzero(stand[ok]) + first))
    x, y, who = np.concatenate(current), np.concatenate(target), np.concatenate(owner)
    print(f"train: {len(refs)} sides, {len(x)} patches", flush=True)

    net = nn.Sequential(
        nn.Conv2d(2, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.3), nn.Linear(32 * (PATCH // 8) ** 2, 32), nn.ReLU(),
        nn.Linear(32, 1), nn.Flatten(0))
    batch = 128
    opt = torch.optim.AdamW(net.parameters(), 1e-3, weight_decay=1e-2)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 2e-3,
                                                total_steps=epochs * (len(x) // batch + 1))

    def reference(side: int) -> int:
        """A standing patch of the same side half the time (as the check uses it), any
        other patch of it otherwise, so that the answer is the rise between the two."""
        start, end, standing = refs[side]
        return int(rng.choice(standing)) if rng.random() < 0.5 else int(rng.integers(start, end))

    for epoch in range(epochs):
        net.train()
        order, total = rng.permutation(len(x)), 0.0
        for b in range(0, len(x), batch):
            idx = order[b:b + batch]
            ref = np.array([reference(o) for o in who[idx]])
            gain = rng.uniform(0.8, 1.2, (len(idx), 1, 1, 1)).astype(np.float32)
            pair = np.stack([x[idx], x[ref]], axis=1) * gain
            pair += rng.normal(0, 0.1, pair.shape).astype(np.float32)
            loss = nn.functional.smooth_l1_loss(net(torch.from_numpy(pair)),
                                                torch.from_numpy(y[idx] - y[ref]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch + 1}/{epochs}: loss {total / len(x):.4f}", flush=True)
    net.eval()
    torch.onnx.export(net, torch.zeros(1, 2, PATCH, PATCH), str(MODEL_FILE), dynamo=False,
                      input_names=["patches"], output_names=["rise_cm"],
                      dynamic_axes={"patches": {0: "n"}, "rise_cm": {0: "n"}},
                      opset_version=13)
    print(f"wrote {MODEL_FILE.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["render", "patches", "train", "all"])
    parser.add_argument("--work", type=Path, required=True,
                        help="folder for the clips, landmarks and patches (~150 MB)")
    parser.add_argument("--workers", type=int, default=2, help="clips rendered at once")
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    if args.step in ("render", "all"):
        render(args.work, args.workers)
    if args.step in ("patches", "all"):
        patches(args.work)
    if args.step in ("train", "all"):
        train(args.work, args.epochs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
