"""What every check shares: the Finding it reports, its result, and rep-window helpers.

A check is a pure function `assess(seq, ctx, cfg) -> CheckResult`. It measures one thing
over time (a baseline-relative, body-size-normalised series), reads that measure at the
bottom of each rep, and reports a Finding for each rep where it passes the mild cut-off.
A check reports findings only when more than half of the reps it could judge show them
(both of two, two of three), so one noisy rep does not label a person: FMS scores the best
of up to three reps, and the NASM overhead squat looks for a pattern over about five.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from pydantic.dataclasses import dataclass as pydantic_dataclass

from screening.core.codes import VIEWS_THAT_SEE, Check, Severity, Side, View
from screening.core.kinematics import nanmean, nanmedian
from screening.core.landmarks import Landmark
from screening.core.measure import Measure
from screening.core.patches import has_patch
from screening.core.reps import Rep
from screening.core.scene import Baseline, Context
from screening.core.sequence import PoseSequence
from screening.core.settings import CheckSettings


@pydantic_dataclass(frozen=True)
class Finding:
    """One compensation seen in one rep: the one shape a finding has from the check that
    makes it to the record, the JSON line, the database, the report and the app.

    Validated when made (a pydantic dataclass), so a record read back from a file or the
    clinic database holds the same types the check produced.
    """

    code: Check
    side: Side
    severity: Severity
    confidence: Measure  # 0..1
    value: Measure
    units: str
    rep: int | None
    frames: list[int]  # decoder frame numbers that show it
    uncertainty: Measure = 0.0
    """How far the value could be off, in its units (see `rep_uncertainty`)."""


def key_frame_index(finding: Finding) -> int:
    """The frame that best shows a finding: the middle of the frames that show it."""
    return finding.frames[len(finding.frames) // 2]


@dataclass
class CheckResult:
    """The outcome of one check on one clip."""

    code: Check
    units: str
    assessable: bool
    reason: str | None = None
    findings: list[Finding] = field(default_factory=list)
    series: dict[str, np.ndarray] = field(default_factory=dict)
    """The measure over time (per side where it has sides), for charts."""
    rep_values: list[float] = field(default_factory=list)
    """The measure at the bottom of each rep (worse side), NaN where not measurable."""
    threshold: float = float("nan")
    borderline: list[Finding] = field(default_factory=list)
    """When the check is not clear either way: the reps whose value lies within its
    uncertainty of the threshold (or over it, but not by more than the uncertainty).
    Shown to the user as borderline; they do not change the score or the route."""


def not_assessable(code: Check, units: str, reason: str) -> CheckResult:
    return CheckResult(code=code, units=units, assessable=False, reason=reason)


VIEW_WORDS = {
    View.FRONT: "from the front",
    View.SIDE_LEFT: "from the left side",
    View.SIDE_RIGHT: "from the right side",
    View.OBLIQUE: "at 45 degrees",
}
"""Where a camera stands, in the words a person films by."""


def view_reason(code: Check, view: View) -> str | None:
    """Why a view cannot judge a check, and where to film it instead; None when it can."""
    seeing = VIEWS_THAT_SEE[code]
    if view in seeing:
        return None
    places = [VIEW_WORDS[v] for v in (View.FRONT, View.OBLIQUE) if v in seeing]
    if {View.SIDE_LEFT, View.SIDE_RIGHT} <= seeing:
        places.insert(0, "from the side")
    return f"cannot be judged {VIEW_WORDS[view]}; film it {' or '.join(places)}"


def severity(value: float, cfg: CheckSettings) -> Severity | None:
    """mild / moderate / severe by the check's cut-offs; None below the mild cut-off."""
    if not np.isfinite(value) or value < cfg.mild:
        return None
    if value >= cfg.severe:
        return Severity.SEVERE
    if value >= cfg.moderate:
        return Severity.MODERATE
    return Severity.MILD


def bottom_window(ctx: Context, rep: Rep, fraction: float = 0.9) -> np.ndarray:
    """Indices of the rep's frames deep enough to count as "at the bottom".

    The frames where the hips are at least `fraction` of the rep's own depth down; a pause
    at the bottom widens the window, so a measure read here is a median, not one frame.
    """
    drop = ctx.drop[rep.start : rep.end + 1]
    idx = np.arange(rep.start, rep.end + 1)
    deep = idx[np.nan_to_num(drop, nan=0.0) >= fraction * rep.depth_fraction]
    return deep if len(deep) else np.array([rep.bottom])


def baseline_value(series: np.ndarray, frames: np.ndarray) -> float:
    return float(nanmedian(series[frames]))


def visibility(seq: PoseSequence, landmarks: Sequence[Landmark], frames: np.ndarray) -> float:
    """Mean visibility of some landmarks over some frames (0 when never seen)."""
    columns = np.array([int(lm) for lm in landmarks], dtype=int)
    v = nanmean(seq.visibility[np.ix_(frames, columns)])
    return float(v) if np.isfinite(v) else 0.0


def view_confidence(view: View) -> float:
    """Side and front views see their checks squarely; an oblique view less so."""
    return 0.75 if view is View.OBLIQUE else 1.0


def spread(values: np.ndarray) -> float:
    """Robust standard deviation (scaled median absolute deviation); NaN when too few."""
    v = values[np.isfinite(values)]
    if len(v) < 3:
        return float("nan")
    return float(1.4826 * np.median(np.abs(v - np.median(v))))


IMAGE_PLANE_CHECKS = frozenset(
    {Check.FEET_ROLL_OUT, Check.FORWARD_LEAN, Check.ARMS_FALL_FORWARD, Check.BALANCE_LOSS}
)
"""Checks whose measure is read in the image plane, so a camera that does not squarely face
the plane they are judged in shortens it. The others are read in the body's frame (depth,
knees, shift), along the image's vertical, which a turned camera does not shorten (heels),
by a network trained on every view (heels, shoulders), or as an angle whose camera part
cancels against standing (feet turning out, see `vocabulary.VIEWS_THAT_SEE`)."""


LIFTED_WHEN_OBLIQUE = frozenset({Check.FORWARD_LEAN})
"""Image-plane checks that an oblique view measures in 3-D instead (screening.core.floor), so
the picture's foreshortening does not apply; their depth doubt is counted by the check."""


def view_offset_deg(code: Check, view: View, yaw_deg: float) -> float:
    """How far the camera is from squarely facing the plane the check is judged in
    (0 for checks not read in the image plane)."""
    if code not in IMAGE_PLANE_CHECKS or (code in LIFTED_WHEN_OBLIQUE and view is View.OBLIQUE):
        return 0.0
    frontal = View.FRONT in VIEWS_THAT_SEE[code] and not VIEWS_THAT_SEE[code] & {
        View.SIDE_LEFT,
        View.SIDE_RIGHT,
    }
    offset = abs(yaw_deg) if frontal else abs(90.0 - abs(yaw_deg))
    return float(min(offset, 60.0))


def rep_uncertainty(
    code: Check,
    ctx: Context,
    rep_index: int,
    series: np.ndarray,
    value: float,
    measure_part: float = 0.0,
) -> float:
    """How far a rep's value could be off, in its units.

    Two parts, combined as independent errors:
    - jitter: the measure's spread over the still standing frames before the rep (where
      it should be constant) and over the rep's bottom (where the body is nearly still);
      it grows when the landmarks are unsure (dim light, loose clothes, a small person);
    - the view: a measure read in the image plane (`IMAGE_PLANE_CHECKS`), of a plane the
      camera sees at an angle, is foreshortened by the cosine of that angle; the part it
      may lose, |value| * (1 - cos), is unknown;
    - the measure's own doubt (`measure_part`), where a check knows how far an unknown in
      its geometry could move the value (depth: the pose model's depth guess).
    """
    rep, base = ctx.reps[rep_index], ctx.baselines[rep_index]
    jitter = [spread(series[base.frames]), spread(series[bottom_window(ctx, rep)])]
    jitter_sq = sum(j * j for j in jitter if np.isfinite(j))
    offset = np.radians(view_offset_deg(code, ctx.view, ctx.yaw_deg))
    view_part = abs(value) * (1.0 - np.cos(offset)) if np.isfinite(value) else 0.0
    own = measure_part if np.isfinite(measure_part) else 0.0
    return float(np.sqrt(jitter_sq + view_part**2 + own**2))


def most_reps(findings: Sequence[Finding], judged: int) -> bool:
    """The one majority rule: more than half of the reps a check could judge show it
    (both of two, two of three); one noisy rep does not label a person."""
    return judged > 0 and len({f.rep for f in findings}) * 2 > judged


def judged_reps(result: CheckResult) -> int:
    """How many reps a check could measure (its value is a number)."""
    return int(sum(np.isfinite(v) for v in result.rep_values))


def rep_findings(
    code: Check,
    units: str,
    seq: PoseSequence,
    ctx: Context,
    cfg: CheckSettings,
    per_side: dict[str, np.ndarray],
    rep_value: dict[str, list[float]],
    landmarks: Sequence[Landmark],
    series_units_factor: float = 1.0,
    rep_doubt: dict[str, list[float]] | None = None,
) -> CheckResult:
    """Turn per-side measures at each rep's bottom into Findings, or borderline ones.

    per_side: side -> (T,) measure series (for charts and for the frames that show it).
    rep_value: side -> one value per rep (the measure at that rep's bottom).
    A side is 'left'/'right', or 'both'/'none' for measures of the whole body.
    rep_doubt: side -> per rep, how far the measure's own geometry could move the value
    (added to the jitter and view parts of `rep_uncertainty`).

    A rep counts as showing the fault when its value clears the mild cut-off by more than
    its uncertainty, and as borderline when it lies within the uncertainty of the cut-off.
    The check reports findings when more than half of the reps it could judge show the
    fault; failing that, it is borderline when more than half are over or near the cut-off.
    """
    result = CheckResult(
        code=code, units=units, assessable=True, series=per_side, threshold=cfg.mild
    )
    sides = list(rep_value)
    clear: list[Finding] = []
    near: list[Finding] = []
    for i, rep in enumerate(ctx.reps):
        values = {s: rep_value[s][i] for s in sides}
        finite = {s: v for s, v in values.items() if np.isfinite(v)}
        worst = max(finite.values()) if finite else float("nan")
        result.rep_values.append(worst)
        margin = {
            s: rep_uncertainty(
                code,
                ctx,
                i,
                per_side[s] * series_units_factor,
                v,
                rep_doubt[s][i] if rep_doubt else 0.0,
            )
            for s, v in finite.items()
        }
        over = [s for s, v in finite.items() if v >= cfg.mild + margin[s]]
        close = [s for s, v in finite.items() if s not in over and v >= cfg.mild - margin[s]]
        named = over or close
        if not named:
            continue
        side = named[0] if len(named) == 1 else "both"
        lowest = min(cfg.mild - margin[s] for s in named)
        window = np.arange(rep.start, rep.end + 1)
        shown = [
            int(seq.frame_indices[t])
            for t in window
            if any(
                np.nan_to_num(per_side[s][t] * series_units_factor, nan=-np.inf) >= lowest
                for s in named
            )
        ]
        conf = min(1.0, visibility(seq, landmarks, window)) * view_confidence(ctx.view)
        value = max(finite[s] for s in named)
        finding = Finding(
            code=code,
            side=Side(side),
            severity=severity(max(value, cfg.mild), cfg) or Severity.MILD,
            confidence=round(conf, 3),
            value=round(value, 2),
            units=units,
            rep=rep.index,
            frames=shown or [int(seq.frame_indices[rep.bottom])],
            uncertainty=round(max(margin[s] for s in named), 2),
        )
        (clear if over else near).append(finding)
    judged = judged_reps(result)
    if most_reps(clear, judged):
        result.findings = clear
    elif most_reps(clear + near, judged):
        result.borderline = sorted(clear + near, key=lambda f: f.rep or 0)
    return result


SIDES = ("left", "right")


def side_landmark(side: str, name: str) -> Landmark:
    """Landmark by side and part name, e.g. ('left', 'HEEL') -> LEFT_HEEL."""
    return Landmark[f"{side.upper()}_{name}"]


def usable_sides(
    seq: PoseSequence, ctx: Context, parts: Sequence[str], min_visibility: float
) -> list[str]:
    """Sides whose landmarks (e.g. HEEL, FOOT_INDEX) are seen well enough during the reps.

    From the side, the far leg is hidden behind the near one; MediaPipe still places it,
    with low visibility, and such a guess must not be judged.
    """
    frames = (
        np.concatenate([np.arange(r.start, r.end + 1) for r in ctx.reps])
        if ctx.reps
        else np.arange(len(seq))
    )
    candidates = (
        [near_side(ctx.view)] if ctx.view in (View.SIDE_LEFT, View.SIDE_RIGHT) else list(SIDES)
    )
    return [
        s
        for s in candidates
        if visibility(seq, [side_landmark(s, p) for p in parts], frames) >= min_visibility
    ]


def near_side(view: View) -> str:
    """The body side facing a side-view camera; the far side is hidden behind it.

    MediaPipe still places the far limb (often with fair visibility), but at the bottom of
    a squat that guess can be several centimetres off, so side views judge the near side.
    """
    return "left" if view is View.SIDE_LEFT else "right"


def outward_sign(seq: PoseSequence, side: str, frames: np.ndarray) -> float:
    """+1 when this side's outward direction (away from the midline) is image +x."""
    hip = seq.image[frames, side_landmark(side, "HIP"), 0]
    other = seq.image[frames, side_landmark("right" if side == "left" else "left", "HIP"), 0]
    return 1.0 if nanmedian(hip - other) >= 0 else -1.0


def values_at_bottoms(
    seq: PoseSequence, ctx: Context, series: np.ndarray, baseline_relative: bool = True
) -> list[float]:
    """The median of a measure over each rep's bottom window, minus its standing value."""
    out = []
    for rep, base in zip(ctx.reps, ctx.baselines, strict=True):
        v = float(nanmedian(series[bottom_window(ctx, rep)]))
        if baseline_relative:
            v -= baseline_value(series, base.frames)
        out.append(v)
    return out


def rep_segments(ctx: Context, length: int) -> list[tuple[slice, Baseline]]:
    """Split the clip into one stretch per rep (from the previous rep's end), with its
    baseline, so every frame is judged against the standing frames just before its rep."""
    bounds = [0] + [r.end + 1 for r in ctx.reps[:-1]] + [length]
    return [(slice(bounds[k], bounds[k + 1]), base) for k, base in enumerate(ctx.baselines)]


def rise_against_standing(
    ctx: Context, patches: np.ndarray, network: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> np.ndarray:
    """(T,) a patch network's rise in each frame against the middle standing frame before
    its rep (NaN where no picture was cut). patches: (T, PATCH, PATCH) of one side; network:
    (patches, standing patch) -> cm, see screening.core.patches."""
    out = np.full(len(patches), np.nan)
    for part, base in rep_segments(ctx, len(patches)):
        standing = [f for f in base.frames if has_patch(patches[f])]
        if standing:
            out[part] = network(patches[part], patches[standing[len(standing) // 2]])
    return out


def relative_series(ctx: Context, series: np.ndarray) -> np.ndarray:
    """A measure relative to the standing baseline of the rep each frame belongs to."""
    out = np.full_like(series, np.nan)
    for part, base in rep_segments(ctx, len(series)):
        out[part] = series[part] - baseline_value(series, base.frames)
    return out


def px_per_m_series(ctx: Context, length: int) -> np.ndarray:
    """(T,) image scale of the rep each frame belongs to (pixels per metre at the body)."""
    out = np.full(length, np.nan)
    for part, base in rep_segments(ctx, length):
        out[part] = base.px_per_m
    return out


def unseen(seq: PoseSequence, side: str, parts: Sequence[str], min_visibility: float) -> np.ndarray:
    """(T,) True in frames where any of a side's `parts` is seen less than `min_visibility`.

    Includes parts outside the picture (visibility 0, see `with_outside_frame_hidden`): a
    video that zooms in can cut the feet off in its standing frames, and a rep measured
    against a guessed standing heel reads tens of centimetres of "lift".
    """
    landmarks = [int(side_landmark(side, p)) for p in parts]
    with np.errstate(invalid="ignore"):
        return np.asarray((seq.visibility[:, landmarks] < min_visibility).any(axis=1))


def measure_sides(
    seq: PoseSequence,
    ctx: Context,
    sides: Sequence[str],
    measure: Callable[[str], np.ndarray],
    baseline_relative: bool = True,
    parts: Sequence[str] = (),
    min_bottom_visibility: float = 0.0,
    min_visibility: float = 0.0,
) -> tuple[dict[str, np.ndarray], dict[str, list[float]]]:
    """Apply a per-side measure and read it at each rep's bottom.

    Returns (series for charts, value per rep) per side; with `baseline_relative` both are
    relative to the standing frames before the rep. Frames where the side's `parts` (e.g.
    HEEL) are seen less than `min_visibility` are left out, standing frames included. A rep
    where they are seen with less than `min_bottom_visibility` over its bottom gets NaN: the
    pose model still places a hidden landmark, but where it puts it is a guess.
    """
    per_side, at_bottom = {}, {}
    for s in sides:
        series = measure(s)
        if parts and min_visibility > 0:
            series = np.where(unseen(seq, s, parts, min_visibility), np.nan, series)
        per_side[s] = relative_series(ctx, series) if baseline_relative else series
        at_bottom[s] = values_at_bottoms(seq, ctx, series, baseline_relative)
        if parts and min_bottom_visibility > 0:
            landmarks = [side_landmark(s, p) for p in parts]
            at_bottom[s] = [
                v
                if visibility(seq, landmarks, bottom_window(ctx, rep)) >= min_bottom_visibility
                else float("nan")
                for v, rep in zip(at_bottom[s], ctx.reps, strict=True)
            ]
    return per_side, at_bottom


def nothing_seen(at_bottom: dict[str, list[float]]) -> bool:
    """True when no rep of any side could be measured (all hidden at the bottom)."""
    return not any(np.isfinite(v) for values in at_bottom.values() for v in values)
