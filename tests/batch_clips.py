"""Small folders of distinct real clips for the batch, cache and cluster tests.

Each clip is a short cut of a committed sample video, starting a few frames later for each
copy, so every file has different bytes (the batch knows videos by content) while all of
them still show a real person for the real model.
"""

from __future__ import annotations

import json
from pathlib import Path

from .builders import SAMPLES
from .media import read_frames, write_frames

SOURCES = (
    "lunge__front__clean",
    "overhead_squat__front__clean",
    "deep_squat__side_left__clean",
    "deep_squat__front__knee_valgus",
    "overhead_squat__oblique__heel_lift",
)


def distinct_clips(folder: Path, count: int, frames: int = 45) -> list[Path]:
    """`count` different short clips in `folder`, named clip_00.mp4, clip_01.mp4, ..."""
    folder.mkdir(parents=True, exist_ok=True)
    decoded = {}
    out = []
    for i in range(count):
        name = SOURCES[i % len(SOURCES)]
        offset = 4 * (i // len(SOURCES))
        if name not in decoded:
            last = 4 * ((count - 1) // len(SOURCES)) + frames
            decoded[name] = read_frames(SAMPLES / f"{name}.mp4", limit=last)
        out.append(
            write_frames(folder / f"clip_{i:02d}.mp4", decoded[name][offset : offset + frames])
        )
    return out


def read_jsonl(path: Path) -> list[dict]:
    """Every record of a JSON-lines output file."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def fast_settings(folder: Path, frame_step: int = 3) -> Path:
    """A settings file that runs the model on every `frame_step`-th frame (quick tests)."""
    path = folder / "fast.toml"
    path.write_text(f"[pose]\nframe_step = {frame_step}\n", "utf-8")
    return path
