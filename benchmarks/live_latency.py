"""How fast the live overlay answers: per-frame latency of the webcam frame callback.

Feeds a sample clip (640x480) to the same callback streamlit-webrtc calls, as av frames
paced at 30 frames a second in real time, with the real pose model in its worker thread,
and reports:

- callback latency (av frame in -> av frame with the overlay out): median, 95th percentile
  and worst, and their ratio to the 33.3 ms a frame has at 30 fps (below 1 keeps up);
- how many frames the model analysed and how many were dropped rather than queued;
- the overlay's lag: how old the drawn pose is when a frame is shown.

    python benchmarks/live_latency.py [--clip FILE] [--seconds 10] [--fps 30]

Timing targets live here, never in tests; numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from screening.core.settings import load_settings
from screening.live.capture import LiveCapture, frame_callback
from screening.pose.model_file import resolve_model

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CLIP = ROOT / "sample_videos" / "deep_squat__side_right__heel_lift.mp4"


def decode(clip: Path, frames: int) -> list[np.ndarray]:
    """The first `frames` RGB frames of a clip, looping it as a fake webcam does."""
    with av.open(str(clip)) as container:
        once = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    return [once[i % len(once)] for i in range(frames)]


def run(clip: Path, seconds: float, fps: float) -> dict[str, float]:
    frames = decode(clip, int(seconds * fps))
    settings = load_settings()
    capture = LiveCapture(resolve_model(), settings, threaded=True)
    callback = frame_callback(capture)
    latencies, lags = [], []
    start = time.perf_counter()
    for i, rgb in enumerate(frames):
        due = start + i / fps
        time.sleep(max(0.0, due - time.perf_counter()))
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        frame.pts, frame.time_base = i, Fraction(1, round(fps))
        before = time.perf_counter()
        callback(frame)
        latencies.append(time.perf_counter() - before)
        shown = capture.status().pose_timestamp_s
        if shown is not None:
            lags.append(i / fps - shown)
    wall = time.perf_counter() - start
    status = capture.status()
    capture.stop()
    budget = 1.0 / fps
    # The first frame starts the worker, which loads the models: a one-off pause while the
    # person walks into place, reported apart from the steady stream after the first second.
    ms = sorted(x * 1000 for x in latencies[round(fps) :])
    p95 = ms[int(0.95 * (len(ms) - 1))]
    return {
        "frames": len(frames),
        "wall_s": wall,
        "budget_ms": budget * 1000,
        "first_ms": latencies[0] * 1000,
        "median_ms": statistics.median(ms),
        "p95_ms": p95,
        "max_ms": ms[-1],
        "processed": status.processed,
        "dropped": capture.dropped,
        "model_fps": status.processed / wall,
        "lag_median_ms": statistics.median(lags) * 1000 if lags else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP, help="video to stream")
    parser.add_argument("--seconds", type=float, default=10.0, help="stream length (s)")
    parser.add_argument("--fps", type=float, default=30.0, help="camera frame rate")
    args = parser.parse_args()
    r = run(args.clip, args.seconds, args.fps)
    print(f"stream: {r['frames']} frames of 640x480 at {args.fps:g} fps ({r['wall_s']:.1f} s wall)")
    print(
        f"callback latency after the first second: median {r['median_ms']:.1f} ms, "
        f"p95 {r['p95_ms']:.1f} ms, worst {r['max_ms']:.1f} ms"
    )
    print(
        f"  ratio to the {r['budget_ms']:.1f} ms frame budget: median "
        f"{r['median_ms'] / r['budget_ms']:.2f}, p95 {r['p95_ms'] / r['budget_ms']:.2f} "
        "(below 1 keeps up)"
    )
    print(f"first frame (starts the worker, loads the models): {r['first_ms']:.0f} ms")
    print(
        f"pose model: {r['processed']} frames analysed ({r['model_fps']:.1f} a second), "
        f"{r['dropped']} dropped rather than queued "
        f"({r['dropped'] / max(r['frames'], 1):.0%})"
    )
    print(f"overlay lag (age of the drawn pose): median {r['lag_median_ms']:.0f} ms")
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} while measuring")


if __name__ == "__main__":
    main()
