"""From a video file to a result record: decode, find the pose, clean, segment reps.

This is the engine the CLI and the app share. It streams frames (one in memory at a time),
and turns every expected failure into an `InputError` with a message a user can act on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from screening.checks import CheckResult, run_checks, unscreened_reason
from screening.checks.base import key_frame_index
from screening.core.errors import InputError, ScreeningError
from screening.core.filtering import smooth_recorded
from screening.core.landmarks import Landmark
from screening.core.results import ClipContext, Score
from screening.core.scene import Context, build_context
from screening.core.sequence import PoseSequence, SequenceBuilder
from screening.core.settings import InputSettings, Settings
from screening.core.shots import shot_starts
from screening.decide.programs import build_program
from screening.decide.routing import decide_route
from screening.decide.scoring import fms_score
from screening.io.annotate import write_annotated
from screening.io.frame_store import FrameStore
from screening.io.record import RepRecord, ScreeningRecord
from screening.io.video import Frame, VideoFileSource, VideoInfo
from screening.pose.estimator import PeopleCounter, PoseEstimator
from screening.pose.model_file import ModelInfo

MORE_THAN_ONE_PERSON = (
    "more than one person was in the picture: the screen followed one of "
    "them; film one person at a time for a result you can trust"
)

ProgressCallback = Callable[[int, int], None]
"""Called as (frames done, frames expected or 0) while a video is decoded."""

Extractor = Callable[
    [str | Path, ModelInfo, Settings, ProgressCallback | None], tuple[VideoInfo, PoseSequence]
]
"""(video, model, settings, progress) -> landmarks: `extract_pose`, or a cache in front of it."""


@dataclass(frozen=True)
class Analysis:
    """What the pipeline learned from one video, before it is written as a record."""

    info: VideoInfo
    raw: PoseSequence
    clean: PoseSequence
    context: Context
    checks: list[CheckResult]
    limits: InputSettings | None = None
    """The [input] limits the video was read under: every later read uses them too."""
    kept_frames: FrameStore | None = None
    """Key frames kept while the annotated video was drawn (None when it was not)."""


def read_ahead(frames: Iterable[Frame]) -> Iterator[Frame]:
    """Decode the next frame in a thread while the model works on this one.

    Decoding and colour conversion release the GIL, so with a core to spare a video costs
    about the slower of decoding and the model per frame instead of their sum.
    """
    it = iter(frames)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="decode") as ahead:
        upcoming = ahead.submit(next, it, None)
        while (frame := upcoming.result()) is not None:
            upcoming = ahead.submit(next, it, None)
            yield frame


def extract_pose(
    path: str | Path, model: ModelInfo, settings: Settings, progress: ProgressCallback | None = None
) -> tuple[VideoInfo, PoseSequence]:
    """Decode a video and run the pose model on every frame (or every `frame_step`-th).

    Every frame is decoded either way (a video can only be decoded in order); skipped
    frames just never reach the model, and the sequence's rate drops to match.
    """
    step, look_every = settings.pose.frame_step, settings.pose.people_check_interval_s
    next_look = 0.0
    with (
        VideoFileSource(path, settings.input) as source,
        PoseEstimator(model, settings.pose) as estimator,
        PeopleCounter(model, settings.pose) as counter,
    ):
        builder = SequenceBuilder(fps=source.info.fps / step)
        for frame in read_ahead(source):
            if frame.index % step:
                continue
            pose = estimator.estimate(frame.rgb, frame.timestamp_s)
            if pose is not None and look_every > 0 and frame.timestamp_s >= next_look:
                next_look = frame.timestamp_s + look_every
                pose = replace(pose, people=max(pose.people, counter.count(frame.rgb)))
            builder.add(frame.index, frame.timestamp_s, pose)
            if progress:
                progress(frame.index + 1, source.info.declared_frames)
        info = source.info  # the first frame may have corrected the size
    return info, builder.build(width=info.width, height=info.height)


def validate(info: VideoInfo, seq: PoseSequence, settings: Settings) -> None:
    """Reject videos that cannot be screened, saying why in one line."""
    s = settings.input
    if len(seq) == 0:
        raise InputError("no frame could be decoded (corrupt or unsupported video)")
    decoded = int(seq.frame_indices[-1]) + 1  # with frame_step > 1, more than len(seq)
    if info.declared_frames > s.min_frames and decoded < s.min_decoded_fraction * (
        info.declared_frames - 1
    ):
        raise InputError(
            f"video is truncated or damaged (decoded {decoded} of {info.declared_frames} frames)"
        )
    duration = float(seq.timestamps_s[-1] - seq.timestamps_s[0]) if len(seq) > 1 else 0.0
    if len(seq) < s.min_frames or duration < s.min_duration_s:
        raise InputError(
            f"too short to screen ({len(seq)} frame"
            f"{'s' if len(seq) != 1 else ''}, {duration:.1f} s; need at least "
            f"{s.min_duration_s:g} s and {s.min_frames} frames)"
        )
    if seq.detected_fraction < s.min_pose_fraction:
        found = int(seq.detected.sum())
        raise InputError(
            f"no person found (a pose in {found} of {len(seq)} frames); "
            "film the whole body, head to feet, in good light"
        )
    cut_off = cut_off_part(seq, s.max_cut_off_fraction)
    if cut_off:
        part, fraction = cut_off
        verb = "is" if part == "head" else "are"
        raise InputError(
            f"the person is cut off: the {part} {verb} outside the picture in "
            f"{fraction:.0%} of the frames; film the whole body, head to feet"
        )


BODY_ENDS = {
    "feet": (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE),
    "head": (Landmark.NOSE, Landmark.LEFT_EAR, Landmark.RIGHT_EAR),
}
"""The landmarks that say a body end is in the picture: ankles (heels and toes often poke
past the bottom edge of a video that still shows the feet well enough) and the face."""


def cut_off_part(seq: PoseSequence, max_fraction: float) -> tuple[str, float] | None:
    """The body end (feet or head) outside the picture in too many frames, and how many.

    Checks whose parts are outside the picture in some frames cope on their own (those
    landmarks count as invisible); a body end missing from most of the video means the
    screen as a whole cannot be done.
    """
    detected = seq.detected
    if not detected.any():
        return None
    outside = seq.outside_frame()[detected]
    for part, landmarks in BODY_ENDS.items():
        fraction = float(outside[:, list(landmarks)].any(axis=1).mean())
        if fraction > max_fraction:
            return part, fraction
    return None


def analyse(
    path: str | Path,
    model: ModelInfo,
    settings: Settings,
    *,
    movement: str | None = None,
    view: str | None = None,
    progress: ProgressCallback | None = None,
    extract: Extractor = extract_pose,
) -> Analysis:
    """Decode, estimate, validate, clean, work out the context and run the checks."""
    info, raw = extract(path, model, settings, progress)
    return analyse_pose(info, raw, settings, movement=movement, view=view)


def analyse_pose(
    info: VideoInfo,
    raw: PoseSequence,
    settings: Settings,
    *,
    movement: str | None = None,
    view: str | None = None,
) -> Analysis:
    """Validate, clean, work out the context and run the checks on landmarks already found.

    The one analysis step shared by recorded videos, cached landmarks and the live webcam
    stream, so all three give the same answer for the same landmarks.
    """
    validate(info, raw, settings)
    clean = smooth_recorded(raw.with_outside_frame_hidden(), settings.filter)
    cuts = shot_starts(raw, settings.context.max_body_speed)
    ctx = build_context(clean, settings.reps, settings.context, movement, view, cuts)
    return Analysis(
        info=info,
        raw=raw,
        clean=clean,
        context=ctx,
        checks=run_checks(clean, ctx, settings),
        limits=settings.input,
    )


def rep_records(analysis: Analysis, checks: list[CheckResult]) -> list[RepRecord]:
    """Reps with decoder frame numbers, timing, depth and each check's measure."""
    seq = analysis.clean
    t, frames = seq.timestamps_s, seq.frame_indices
    out = []
    for k, r in enumerate(analysis.context.reps):
        metrics = {
            "hip_drop_fraction": round(r.depth_fraction, 4),
            "duration_s": round(float(t[r.end] - t[r.start]), 3),
            "descent_s": round(float(t[r.bottom] - t[r.start]), 3),
            "ascent_s": round(float(t[r.end] - t[r.bottom]), 3),
        }
        for check in checks:
            if check.assessable and k < len(check.rep_values):
                metrics[f"{check.code.value}_{check.units}"] = round(check.rep_values[k], 2)
        out.append(
            RepRecord(
                index=r.index,
                start_frame=int(frames[r.start]),
                bottom_frame=int(frames[r.bottom]),
                end_frame=int(frames[r.end]),
                metrics=metrics,
            )
        )
    return out


def key_frame_numbers(analysis: Analysis) -> set[int]:
    """The decoder frame numbers a report or the app shows for this clip's findings."""
    return {
        key_frame_index(f)
        for check in analysis.checks
        for f in (*check.findings, *check.borderline)
        if f.frames
    }


def annotate(analysis: Analysis, out_dir: str | Path) -> FrameStore:
    """Write `<out_dir>/<video stem>.annotated.mp4` with the cleaned skeleton and rep count,
    and return the key frames of its findings, kept while the video was read, so that a
    report needs no third decode. Reads under the same [input] limits as the first pass."""
    seq = analysis.clean
    completed = np.zeros(len(seq), dtype=int)
    for rep in analysis.context.reps:
        completed[rep.end :] += 1
    out = Path(out_dir) / f"{Path(analysis.info.path).stem}.annotated.mp4"
    store = FrameStore(max_side_px=max(seq.width, seq.height), jpeg_quality=92)
    with VideoFileSource(analysis.info.path, analysis.limits) as source:
        write_annotated(
            source,
            seq.image,
            seq.visibility,
            seq.frame_indices,
            completed,
            out,
            analysis.info.fps,
            seq.width,
            seq.height,
            keep=key_frame_numbers(analysis),
            store=store,
        )
    return store


def score_video(
    path: str | Path,
    model: ModelInfo,
    settings: Settings,
    *,
    movement: str | None = None,
    view: str | None = None,
    pain: dict[str, float] | None = None,
    retakes: Mapping[str, str | Path] | None = None,
    annotate_dir: str | Path | None = None,
    progress: ProgressCallback | None = None,
    extract: Extractor = extract_pose,
) -> ScreeningRecord:
    """Score one video into a record; expected failures become `ok: false` with the reason.

    retakes: optional {"heels_elevated": file, "hands_on_hips": file} of the same person;
    they refine the score and the route (SPEC section 6). extract: where landmarks come
    from (the model, or a landmark cache in front of it).
    """
    record, _ = screen_clips(
        [path],
        model,
        settings,
        movement=movement,
        view=view,
        pain=pain,
        retakes=retakes,
        annotate_dir=annotate_dir,
        progress=progress,
        extract=extract,
    )
    return record


def combine_views(analyses: list[Analysis]) -> list[CheckResult]:
    """One result per check, each taken from the clip whose view can judge it.

    A front and a side clip of the same squat complement each other: knees and feet from
    the front, heels, depth and trunk from the side. The first clip that can assess a check
    wins; a check no clip can assess stays "not assessable" with the first clip's reason.
    """
    merged = []
    for i, first in enumerate(analyses[0].checks):
        candidates = [a.checks[i] for a in analyses if i < len(a.checks)]
        merged.append(next((c for c in candidates if c.assessable), first))
    return merged


def screen_clips(
    paths: list[str | Path],
    model: ModelInfo,
    settings: Settings,
    *,
    movement: str | None = None,
    view: str | None = None,
    pain: dict[str, float] | None = None,
    retakes: Mapping[str, str | Path] | None = None,
    annotate_dir: str | Path | None = None,
    progress: ProgressCallback | None = None,
    extract: Extractor = extract_pose,
) -> tuple[ScreeningRecord, list[Analysis]]:
    """Score one person's assessment: one clip, or several views of the same movement.

    With several clips (e.g. front and side), each check uses the view that sees it best
    and the reps, timing and score come from the first clip. The analyses come back too,
    for pictures of the result.
    """

    def analyse_path(p: str | Path, movement: str | None, view: str | None) -> Analysis:
        return analyse(
            p, model, settings, movement=movement, view=view, progress=progress, extract=extract
        )

    record, analyses = screen_sources(
        [str(p) for p in paths],
        analyse_path,
        model,
        movement=movement,
        view=view,
        pain=pain,
        retakes={k: str(v) for k, v in (retakes or {}).items()},
    )
    if record.ok and annotate_dir is not None:
        analyses = [replace(a, kept_frames=annotate(a, annotate_dir)) for a in analyses]
    return record, analyses


Analyser = Callable[[str, str | None, str | None], Analysis]
"""(source, movement or None, view or None) -> Analysis; raises ScreeningError."""


def screen_sources(
    sources: list[str],
    analyser: Analyser,
    model: ModelInfo,
    *,
    movement: str | None = None,
    view: str | None = None,
    pain: dict[str, float] | None = None,
    retakes: dict[str, str] | None = None,
) -> tuple[ScreeningRecord, list[Analysis]]:
    """One person's assessment from named sources, however their landmarks are obtained.

    `analyser` turns a source name into an Analysis: a video file decoded now, landmarks
    from a cache, or a stream captured live in the browser. The first source fixes the
    movement for the others and for the retakes; with several sources each check is
    judged from the view that sees it (`combine_views`).
    """
    record = ScreeningRecord(source="+".join(sources), model=model.as_record())
    analyses: list[Analysis] = []
    try:
        analyses = [analyser(sources[0], movement, view)]
        chosen = analyses[0].context.movement.value
        analyses += [analyser(s, chosen, None) for s in sources[1:]]
    except ScreeningError as exc:
        record.error = str(exc)
        return record, analyses
    retake_checks = {}
    for kind, source in (retakes or {}).items():
        try:
            retake_checks[kind] = analyser(source, chosen, None).checks
        except ScreeningError as exc:
            record.error = f"retake {kind} ({Path(source).name}): {exc}"
            return record, analyses
    checks = combine_views(analyses) if len(analyses) > 1 else analyses[0].checks
    fill_record(record, analyses[0], checks, pain or {}, retake_checks)
    if len(analyses) > 1:
        record.view = "+".join(a.context.view.value for a in analyses)
        record.sources = {s: a.context.view.value for s, a in zip(sources, analyses, strict=True)}
    return record, analyses


def fill_record(
    record: ScreeningRecord,
    analysis: Analysis,
    checks: list[CheckResult],
    pain: dict[str, float],
    retake_checks: dict[str, list[CheckResult]],
) -> None:
    """Write an analysis, its checks' score, route and program into a record."""
    seq, ctx = analysis.clean, analysis.context
    record.ok = True
    record.fps = round(analysis.info.fps, 3)
    record.frames = len(seq)
    record.duration_s = round(float(seq.timestamps_s[-1] - seq.timestamps_s[0]), 3)
    record.pose_detected_fraction = round(analysis.raw.detected_fraction, 4)
    record.movement = ctx.movement.value
    record.view = ctx.view.value
    record.reps = rep_records(analysis, checks)
    record.findings = [f for c in checks for f in c.findings]
    record.borderline = [f for c in checks for f in c.borderline]
    record.not_assessable = [c.code.value for c in checks if not c.assessable]
    record.not_assessable_reasons = {
        c.code.value: c.reason or "" for c in checks if not c.assessable
    }
    heels, hands = retake_checks.get("heels_elevated"), retake_checks.get("hands_on_hips")
    record.score = fms_score(checks, ctx.movement, any(v > 0 for v in pain.values()), heels)
    decision = decide_route(checks, ctx.movement, pain, heels, hands)
    record.route = decision.route
    record.route_reasons = decision.reasons
    record.focus = decision.focus
    record.suggested_retakes = decision.suggested_retakes
    record.program = build_program(decision.route, [f for c in checks for f in c.findings])
    record.pain = dict(pain)
    if ctx.unscreened:
        record.warnings.append(unscreened_reason(ctx.unscreened))
        if decision.route != "pain":  # pain still comes first, whatever the movement
            record.route, record.program, record.focus = None, None, []
            record.route_reasons = ["no route: " + unscreened_reason(ctx.unscreened)]
            record.suggested_retakes = []
            record.score = Score(
                fms=None,
                criteria={},
                basis="not scored: the movement is not one the screen judges",
            )
    if analysis.raw.max_people > 1:
        record.warnings.append(MORE_THAN_ONE_PERSON)
    if ctx.shot_starts:
        cuts = len(ctx.shot_starts)
        warning = (
            f"the video cuts between shots ({cuts} cut{'s' * (cuts != 1)} found); "
            "each rep is measured within its own shot"
        )
        if ctx.reps_cut:
            warning += f"; reps cut in two were left out: {ctx.reps_cut}"
        record.warnings.append(warning)
    record.context = ClipContext(
        yaw_deg=round(ctx.yaw_deg, 1),
        lead_side=ctx.lead_side,
        movement_detected=ctx.movement_detected,
        view_detected=ctx.view_detected,
    )
