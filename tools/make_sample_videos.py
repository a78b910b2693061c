#!/usr/bin/env python3
"""Regenerate sample_videos/ (the labelled synthetic clips) from a fixed seed.

Usage (from the repository root, in an environment with the synth extras:
torch==2.13.0 (CPU), anny, av, opencv-python-headless, numpy, scipy):

    python tools/make_sample_videos.py [--workers 2] [--only NAME ...]

Same as `python -m screening_synth sample-set`. Renders one clip per process and writes
<clip>.mp4, <clip>.truth.npz and labels.json into sample_videos/.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from screening_synth.cli import main  # noqa: E402

if __name__ == "__main__":
    args = sys.argv[1:]
    if "--out" not in args:
        args += ["--out", str(ROOT / "sample_videos")]
    sys.exit(main(["sample-set", *args]))
