"""`screening eval`: measure the screen against labelled clips.

For every labelled clip it runs the same engine as `screening score` and compares with the
truth: per check precision / recall / F1, false findings on clean clips, view / movement /
rep-count accuracy, and (for rendered clips) the mean pixel error of the landmarks against
the projected truth.

Two label formats are read, and both become one `ClipLabel`:
- the renderer's `labels.json` ("clips": {file: {movement, view, reps: [...], faults: [...]}}):
  every fault is known, so each check the true view can see is either present or absent;
- a physiotherapist's labels of real recordings, as in ../shared/real_videos/LABELS.json
  ("clips": [{file, movement, view (text), reps (count), faults: {check: {label}}}]): each
  check is present, absent or unclear, and unclear counts neither way. A real clip may show
  a movement the screen does not judge (back_squat, other) or a view that changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from screening.batch.runner import parallel
from screening.core.codes import CHECKS_FOR_MOVEMENT, Check, Movement, can_see
from screening.core.errors import ScreeningError, UsageError
from screening.core.settings import Settings
from screening.engine.cache import LandmarkCache
from screening.engine.pipeline import analyse, extract_pose
from screening.pose.model_file import ModelInfo

LOWER_BODY = list(range(23, 33))
SEVERITY = ("mild", "moderate", "severe")


@dataclass(frozen=True)
class ClipLabel:
    """What is true of one clip, in either label format."""

    movement: str
    """A screened movement (deep_squat, overhead_squat, lunge) or another (back_squat,
    other) that the screen is not built to judge."""
    view: str | None
    """front, side_left, side_right or oblique; None when it changes or is another."""
    reps: int
    present: tuple[str, ...]
    absent: tuple[str, ...]
    """Checks known not to be there; the rest are unclear."""
    judged: tuple[str, ...]
    """The checks scored for precision and recall on this clip: for a render, those its
    view can see; for a real clip, those labelled present or absent."""


@dataclass
class ClipOutcome:
    """One clip's truth next to what the screen said."""

    name: str
    ok: bool
    error: str | None
    movement: str
    movement_found: str | None = None
    unscreened_found: str | None = None
    """What the screen said the movement looks like when it is not one it judges."""
    view: str | None = ""
    view_found: str | None = None
    reps: int = 0
    reps_found: int | None = None
    faults: list[str] = field(default_factory=list)
    """The checks labelled present."""
    absent: list[str] = field(default_factory=list)
    """The checks labelled absent (for rendered clips: every other check)."""
    judged: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    borderline: list[str] = field(default_factory=list)
    """Checks the screen called borderline (neither found nor clear)."""
    severity_found: dict[str, str] = field(default_factory=dict)
    """The worst severity reported for each found check."""
    not_assessable: list[str] = field(default_factory=list)
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


def load_labels(directory: Path, labels: Path | None) -> dict[str, ClipLabel]:
    """The clips' labels by file name, from DIR/labels.json, DIR/LABELS.json or `labels`."""
    path = labels
    if path is None:
        found = [directory / n for n in ("labels.json", "LABELS.json") if (directory / n).exists()]
        path = found[0] if found else directory / "labels.json"
    if not path.exists():
        raise UsageError(f"no labels at {path}; pass --labels FILE")
    try:
        data = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not valid JSON: {exc.msg} (line {exc.lineno})") from None
    clips = data.get("clips") if isinstance(data, dict) else None
    try:
        if isinstance(clips, dict) and clips:
            return {name: rendered_label(label) for name, label in clips.items()}
        if isinstance(clips, list) and clips:
            return {clip["file"]: physio_label(clip) for clip in clips}
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"{path}: a clip's label is not in a known format ({exc!r})") from None
    raise UsageError(f'{path} has no "clips" table')


def truth_assessable(movement: str, view: str | None) -> list[str]:
    """Checks the true view can see, for the true movement."""
    if movement not in Movement.__members__.values() or view is None:
        return []
    return [c.value for c in CHECKS_FOR_MOVEMENT[Movement(movement)] if can_see(c, view)]


def rendered_label(label: dict[str, Any]) -> ClipLabel:
    """A label of the renderer's: every fault is known, so the rest of what the view can
    see is absent."""
    present = sorted({f["code"] for f in label["faults"]})
    checks = CHECKS_FOR_MOVEMENT[Movement(label["movement"])]
    return ClipLabel(
        movement=label["movement"],
        view=label["view"],
        reps=len(label["reps"]),
        present=tuple(present),
        absent=tuple(c.value for c in checks if c.value not in present),
        judged=tuple(truth_assessable(label["movement"], label["view"])),
    )


_VIEW_WORDS = (
    ("front-oblique", "oblique"),
    ("oblique", "oblique"),
    ("side_left", "side_left"),
    ("side_right", "side_right"),
    ("front", "front"),
)


def view_from_text(text: str) -> str | None:
    """The view a physiotherapist's note starts with ("side_left (slightly ...)" ->
    side_left); None for a view that changes during the clip, or one we do not screen."""
    words = text.strip().lower()
    if words.startswith("changes"):
        return None
    for prefix, view in _VIEW_WORDS:
        if words.startswith(prefix):
            return view
    return None


def physio_label(clip: dict[str, Any]) -> ClipLabel:
    """A physiotherapist's label of a real clip: present / absent / unclear per check."""
    verdicts = {code: entry["label"] for code, entry in clip["faults"].items()}
    unknown = set(verdicts) - {c.value for c in Check}
    if unknown:
        raise ValueError(f"unknown checks {sorted(unknown)}")
    present = tuple(sorted(c for c, v in verdicts.items() if v == "present"))
    absent = tuple(sorted(c for c, v in verdicts.items() if v == "absent"))
    return ClipLabel(
        movement=clip["movement"],
        view=view_from_text(clip["view"]),
        reps=int(clip["reps"]),
        present=present,
        absent=absent,
        judged=tuple(sorted(present + absent)),
    )


def _landmark_error(
    raw_image: np.ndarray, frame_indices: np.ndarray, truth_file: Path
) -> tuple[float | None, float | None]:
    """Mean pixel error against the truth of the same decoded frames (any frame_step)."""
    if not truth_file.exists():
        return None, None
    truth = np.load(truth_file)["image_xy"]
    keep = frame_indices < len(truth)
    err = np.linalg.norm(raw_image[keep, :, :2] - truth[frame_indices[keep]], axis=-1)
    if not np.isfinite(err).any():
        return None, None
    return float(np.nanmean(err)), float(np.nanmean(err[:, LOWER_BODY]))


def evaluate_clip(
    directory: Path,
    name: str,
    label: ClipLabel,
    model: ModelInfo,
    settings: Settings,
    cache_dir: str | None = None,
) -> ClipOutcome:
    """Score one labelled clip (auto movement and view, as a user would) against its truth.

    With `cache_dir`, landmarks come from (and go to) a LandmarkCache, so trying new
    thresholds on a labelled set skips the pose model.
    """
    out = ClipOutcome(
        name=name,
        ok=False,
        error=None,
        movement=label.movement,
        view=label.view,
        reps=label.reps,
        faults=list(label.present),
        absent=list(label.absent),
        judged=list(label.judged),
    )
    try:
        extract = LandmarkCache(cache_dir).extract if cache_dir else extract_pose
        analysis = analyse(directory / name, model, settings, extract=extract)
    except ScreeningError as exc:
        out.error = str(exc)
        return out
    out.ok = True
    out.movement_found = analysis.context.movement.value
    out.unscreened_found = analysis.context.unscreened
    out.view_found = analysis.context.view.value
    out.reps_found = len(analysis.context.reps)
    out.found = sorted({f.code for c in analysis.checks for f in c.findings})
    out.severity_found = {
        c.code.value: max((f.severity for f in c.findings), key=_rank)
        for c in analysis.checks
        if c.findings
    }
    out.not_assessable = sorted(c.code.value for c in analysis.checks if not c.assessable)
    out.borderline = sorted(c.code.value for c in analysis.checks if c.borderline)
    out.pose_fraction = analysis.raw.detected_fraction
    truth_file = directory / (Path(name).stem + ".truth.npz")
    out.landmark_error_px, out.lower_body_error_px = _landmark_error(
        analysis.raw.image, analysis.raw.frame_indices, truth_file
    )
    return out


def _rank(severity: str) -> int:
    return SEVERITY.index(severity) if severity in SEVERITY else -1


def _run(args: tuple[Path, str, ClipLabel, ModelInfo, Settings, str | None]) -> ClipOutcome:
    return evaluate_clip(*args)


def _crashed(
    args: tuple[Path, str, ClipLabel, ModelInfo, Settings, str | None], why: str | Exception
) -> ClipOutcome:
    _, name, label, *_ = args
    return ClipOutcome(
        name=name,
        ok=False,
        error=str(why) or type(why).__name__,
        movement=label.movement,
        view=label.view,
        reps=label.reps,
        faults=list(label.present),
        absent=list(label.absent),
        judged=list(label.judged),
    )


def evaluate(
    directory: Path,
    labels: dict[str, ClipLabel],
    model: ModelInfo,
    settings: Settings,
    workers: int = 1,
    on_clip: Callable[[ClipOutcome], None] | None = None,
    cache_dir: str | None = None,
) -> list[ClipOutcome]:
    """Score every labelled clip, in `workers` processes (the batch's pool: a crashing clip
    is retried alone, then reported as failed, and the rest go on)."""
    jobs = [
        (directory, name, label, model, settings, cache_dir)
        for name, label in sorted(labels.items())
    ]
    results: Iterable[ClipOutcome] = (
        parallel(jobs, _run, workers, _crashed) if workers > 1 else map(_run, jobs)
    )
    outcomes = []
    for outcome in results:
        outcomes.append(outcome)
        if on_clip:
            on_clip(outcome)
    return sorted(outcomes, key=lambda o: o.name)


def check_scores(outcomes: list[ClipOutcome]) -> list[CheckScore]:
    """Precision/recall/F1 per check over the scored clips that judge it (a fault lost to
    "not assessable" is a miss)."""
    scores = []
    for code in Check:
        s = CheckScore(code.value, 0, 0, 0, 0)
        for o in outcomes:
            if not o.ok or code.value not in o.judged:
                continue
            truth = code.value in o.faults
            s.clips += 1
            found = code.value in o.found
            s.tp += truth and found
            s.fp += found and not truth
            s.fn += truth and not found
        scores.append(s)
    return scores


def wrong_on_absent(outcome: ClipOutcome, at_least: str = "mild") -> list[str]:
    """The checks labelled absent that the screen reported, at `at_least` severity."""
    return [
        c
        for c in outcome.absent
        if c in outcome.found and _rank(outcome.severity_found.get(c, "mild")) >= _rank(at_least)
    ]


def summary(outcomes: list[ClipOutcome]) -> dict[str, Any]:
    scored = [o for o in outcomes if o.ok]
    clean = [o for o in scored if not o.faults]
    screened = [o for o in scored if o.movement in Movement.__members__.values()]
    viewed = [o for o in scored if o.view is not None]
    errors = [o.landmark_error_px for o in scored if o.landmark_error_px is not None]
    lower = [o.lower_body_error_px for o in scored if o.lower_body_error_px is not None]

    def frac(xs: list[bool]) -> float | None:
        return sum(xs) / len(xs) if xs else None

    return {
        "clips": len(outcomes),
        "scored": len(scored),
        "failed": [{"clip": o.name, "error": o.error} for o in outcomes if not o.ok],
        "view_accuracy": frac([o.view_found == o.view for o in viewed]),
        "movement_accuracy": frac(
            [o.movement_found == o.movement and not o.unscreened_found for o in screened]
        ),
        "other_movements_named": [
            o.name for o in scored if o.movement == "other" and o.unscreened_found
        ],
        "other_movements": [o.name for o in scored if o.movement == "other"],
        "rep_count_accuracy": frac([o.reps_found == o.reps for o in scored]),
        "clean_clips": len(clean),
        "false_findings_on_clean": sum(len(wrong_on_absent(o)) for o in clean),
        "false_findings_per_20_clean": (
            20 * sum(len(wrong_on_absent(o)) for o in clean) / len(clean) if clean else None
        ),
        "present_found": sum(len(set(o.faults) & set(o.found)) for o in scored),
        "present": sum(len(o.faults) for o in scored),
        "absent_flagged": sum(len(wrong_on_absent(o)) for o in scored),
        "absent": sum(len(o.absent) for o in scored),
        "present_borderline": sum(len(set(o.faults) & set(o.borderline)) for o in scored),
        "absent_borderline": sum(len(set(o.absent) & set(o.borderline)) for o in scored),
        "absent_flagged_moderate": [
            f"{o.name}: {c} ({o.severity_found[c]})"
            for o in scored
            for c in wrong_on_absent(o, "moderate")
        ],
        "mean_landmark_error_px": float(np.mean(errors)) if errors else None,
        "mean_lower_body_error_px": float(np.mean(lower)) if lower else None,
        "min_pose_fraction": min((o.pose_fraction for o in scored), default=None),
        "checks": [
            {**asdict(s), "precision": s.precision, "recall": s.recall, "f1": s.f1}
            for s in check_scores(outcomes)
        ],
        "per_clip": [asdict(o) for o in outcomes],
    }


def _pct(x: float | None) -> str:
    return "  -  " if x is None else f"{x:5.0%}"


def format_report(report: dict[str, Any]) -> str:
    """The human-readable table."""
    lines = [
        f"{'check':<20} {'clips':>5} {'TP':>3} {'FP':>3} {'FN':>3} "
        f"{'prec':>5} {'recall':>6} {'F1':>5}"
    ]
    for c in report["checks"]:
        f1 = "  -  " if c["f1"] is None else f"{c['f1']:5.2f}"
        lines.append(
            f"{c['code']:<20} {c['clips']:>5} {c['tp']:>3} {c['fp']:>3} {c['fn']:>3} "
            f"{_pct(c['precision'])} {_pct(c['recall']):>6} {f1}"
        )
    err = report["mean_landmark_error_px"]
    lower = report["mean_lower_body_error_px"]
    lines += [
        "",
        f"clips scored          {report['scored']} of {report['clips']}",
        f"view accuracy         {_pct(report['view_accuracy'])}",
        f"movement accuracy     {_pct(report['movement_accuracy'])}",
        f"other movements named {len(report['other_movements_named'])} of "
        f"{len(report['other_movements'])} (not scored as a squat or lunge)",
        f"rep count exact       {_pct(report['rep_count_accuracy'])}",
        f"false findings, clean {report['false_findings_on_clean']} on "
        f"{report['clean_clips']} clean clips",
        f"labelled present      {report['present_found']} of {report['present']} found",
        f"labelled absent       {report['absent_flagged']} of {report['absent']} flagged",
        f"borderline            {report['present_borderline']} on faults, "
        f"{report['absent_borderline']} on checks without one (neither found nor clear)",
        "landmark error        "
        + ("-" if err is None else f"{err:.1f} px mean, {lower:.1f} px lower body"),
        "min pose detected     "
        + (
            "-"
            if report["min_pose_fraction"] is None
            else f"{report['min_pose_fraction']:.0%} of frames"
        ),
    ]
    for wrong in report["absent_flagged_moderate"]:
        lines.append(f"ABSENT BUT FLAGGED   {wrong}")
    for f in report["failed"]:
        lines.append(f"FAILED {f['clip']}: {f['error']}")
    return "\n".join(lines)
