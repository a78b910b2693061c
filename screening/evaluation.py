"""`screening eval`: measure the screen against labelled clips.

For every labelled clip it runs the same engine as `screening score` and compares with the
truth: per check precision / recall / F1 over the clips whose (true) view can see that
check, false findings on clean clips, view / movement / rep-count accuracy, and the mean
pixel error of the landmarks against the projected truth.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from screening.cache import LandmarkCache
from screening.errors import ScreeningError, UsageError
from screening.model import ModelInfo
from screening.pipeline import analyse, extract_pose
from screening.settings import Settings
from screening.vocabulary import CHECKS_FOR_MOVEMENT, Check, Movement, can_see

LOWER_BODY = list(range(23, 33))


@dataclass
class ClipOutcome:
    """One clip's truth next to what the screen said."""

    name: str
    ok: bool
    error: str | None
    movement: str
    movement_found: str | None = None
    view: str = ""
    view_found: str | None = None
    reps: int = 0
    reps_found: int | None = None
    faults: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    assessable: list[str] = field(default_factory=list)
    pose_fraction: float = 0.0
    landmark_error_px: float | None = None
    lower_body_error_px: float | None = None


@dataclass
class CheckScore:
    code: str
    clips: int
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if self.tp == 0:
            return 0.0 if (self.fp or self.fn) else None
        return 2 * p * r / (p + r) if p and r else 0.0


def load_labels(directory: Path, labels: Path | None) -> dict[str, dict[str, Any]]:
    path = labels or directory / "labels.json"
    if not path.exists():
        raise UsageError(f"no labels at {path}; pass --labels FILE")
    try:
        data = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not valid JSON: {exc.msg} (line {exc.lineno})") from None
    clips = data.get("clips") if isinstance(data, dict) else None
    if not isinstance(clips, dict) or not clips:
        raise UsageError(f"{path} has no \"clips\" table")
    return clips


def truth_assessable(label: dict[str, Any]) -> list[str]:
    """Checks the true view can see, for the true movement."""
    movement = Movement(label["movement"])
    return [c.value for c in CHECKS_FOR_MOVEMENT[movement] if can_see(c, label["view"])]


def _landmark_error(raw_image: np.ndarray, frame_indices: np.ndarray,
                    truth_file: Path) -> tuple[float | None, float | None]:
    """Mean pixel error against the truth of the same decoded frames (any frame_step)."""
    if not truth_file.exists():
        return None, None
    truth = np.load(truth_file)["image_xy"]
    keep = frame_indices < len(truth)
    err = np.linalg.norm(raw_image[keep, :, :2] - truth[frame_indices[keep]], axis=-1)
    if not np.isfinite(err).any():
        return None, None
    return float(np.nanmean(err)), float(np.nanmean(err[:, LOWER_BODY]))


def evaluate_clip(directory: Path, name: str, label: dict[str, Any], model: ModelInfo,
                  settings: Settings, cache_dir: str | None = None) -> ClipOutcome:
    """Score one labelled clip (auto movement and view, as a user would) against its truth.

    With `cache_dir`, landmarks come from (and go to) a LandmarkCache, so trying new
    thresholds on a labelled set skips the pose model.
    """
    out = ClipOutcome(name=name, ok=False, error=None, movement=label["movement"],
                      view=label["view"], reps=len(label["reps"]),
                      faults=sorted({f["code"] for f in label["faults"]}),
                      assessable=truth_assessable(label))
    try:
        extract = LandmarkCache(cache_dir).extract if cache_dir else extract_pose
        analysis = analyse(directory / name, model, settings, extract=extract)
    except ScreeningError as exc:
        out.error = str(exc)
        return out
    out.ok = True
    out.movement_found = analysis.context.movement.value
    out.view_found = analysis.context.view.value
    out.reps_found = len(analysis.context.reps)
    out.found = sorted({f.code for c in analysis.checks for f in c.findings})
    out.pose_fraction = analysis.raw.detected_fraction
    truth_file = directory / (Path(name).stem + ".truth.npz")
    out.landmark_error_px, out.lower_body_error_px = _landmark_error(
        analysis.raw.image, analysis.raw.frame_indices, truth_file)
    return out


def _run(args: tuple[Path, str, dict[str, Any], ModelInfo, Settings, str | None]
         ) -> ClipOutcome:
    return evaluate_clip(*args)


def evaluate(directory: Path, labels: dict[str, dict[str, Any]], model: ModelInfo,
             settings: Settings, workers: int = 1,
             on_clip: Callable[[ClipOutcome], None] | None = None,
             cache_dir: str | None = None) -> list[ClipOutcome]:
    jobs = [(directory, name, label, model, settings, cache_dir)
            for name, label in sorted(labels.items())]
    results: Iterator[ClipOutcome]
    if workers > 1:
        pool = ProcessPoolExecutor(max_workers=workers)
        results = pool.map(_run, jobs)
    else:
        pool = None
        results = map(_run, jobs)
    outcomes = []
    try:
        for outcome in results:
            outcomes.append(outcome)
            if on_clip:
                on_clip(outcome)
    finally:
        if pool:
            pool.shutdown()
    return outcomes


def check_scores(outcomes: list[ClipOutcome]) -> list[CheckScore]:
    """Precision/recall/F1 per check over the scored clips whose true view can see it."""
    scores = []
    for code in Check:
        s = CheckScore(code.value, 0, 0, 0, 0)
        for o in outcomes:
            if not o.ok or code.value not in o.assessable:
                continue
            s.clips += 1
            truth, found = code.value in o.faults, code.value in o.found
            s.tp += truth and found
            s.fp += found and not truth
            s.fn += truth and not found
        scores.append(s)
    return scores


def summary(outcomes: list[ClipOutcome]) -> dict[str, Any]:
    scored = [o for o in outcomes if o.ok]
    clean = [o for o in scored if not o.faults]
    errors = [o.landmark_error_px for o in scored if o.landmark_error_px is not None]
    lower = [o.lower_body_error_px for o in scored if o.lower_body_error_px is not None]

    def frac(xs: list[bool]) -> float | None:
        return sum(xs) / len(xs) if xs else None

    return {
        "clips": len(outcomes),
        "scored": len(scored),
        "failed": [{"clip": o.name, "error": o.error} for o in outcomes if not o.ok],
        "view_accuracy": frac([o.view_found == o.view for o in scored]),
        "movement_accuracy": frac([o.movement_found == o.movement for o in scored]),
        "rep_count_accuracy": frac([o.reps_found == o.reps for o in scored]),
        "clean_clips": len(clean),
        "false_findings_on_clean": sum(len(o.found) for o in clean),
        "false_findings_per_20_clean": (20 * sum(len(o.found) for o in clean) / len(clean)
                                        if clean else None),
        "mean_landmark_error_px": float(np.mean(errors)) if errors else None,
        "mean_lower_body_error_px": float(np.mean(lower)) if lower else None,
        "min_pose_fraction": min((o.pose_fraction for o in scored), default=None),
        "checks": [{**asdict(s), "precision": s.precision, "recall": s.recall, "f1": s.f1}
                   for s in check_scores(outcomes)],
        "per_clip": [asdict(o) for o in outcomes],
    }


def _pct(x: float | None) -> str:
    return "  -  " if x is None else f"{x:5.0%}"


def format_report(report: dict[str, Any]) -> str:
    """The human-readable table."""
    lines = [f"{'check':<20} {'clips':>5} {'TP':>3} {'FP':>3} {'FN':>3} "
             f"{'prec':>5} {'recall':>6} {'F1':>5}"]
    for c in report["checks"]:
        f1 = "  -  " if c["f1"] is None else f"{c['f1']:5.2f}"
        lines.append(f"{c['code']:<20} {c['clips']:>5} {c['tp']:>3} {c['fp']:>3} {c['fn']:>3} "
                     f"{_pct(c['precision'])} {_pct(c['recall']):>6} {f1}")
    err = report["mean_landmark_error_px"]
    lower = report["mean_lower_body_error_px"]
    lines += [
        "",
        f"clips scored          {report['scored']} of {report['clips']}",
        f"view accuracy         {_pct(report['view_accuracy'])}",
        f"movement accuracy     {_pct(report['movement_accuracy'])}",
        f"rep count exact       {_pct(report['rep_count_accuracy'])}",
        f"false findings, clean {report['false_findings_on_clean']} on "
        f"{report['clean_clips']} clean clips",
        "landmark error        " + ("-" if err is None else
                                    f"{err:.1f} px mean, {lower:.1f} px lower body"),
        "min pose detected     " + ("-" if report["min_pose_fraction"] is None else
                                    f"{report['min_pose_fraction']:.0%} of frames"),
    ]
    for f in report["failed"]:
        lines.append(f"FAILED {f['clip']}: {f['error']}")
    return "\n".join(lines)
