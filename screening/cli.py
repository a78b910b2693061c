"""The `screening` command: score videos, evaluate against labels, start the app."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from screening import __version__
from screening.clinic.location import DB_URL_ENV_VAR
from screening.core.codes import Movement, View
from screening.core.errors import ScreeningError, UsageError
from screening.core.settings import Settings, load_settings
from screening.io.record import RecordWriter, ScreeningRecord
from screening.io.video import VIDEO_SUFFIXES
from screening.pose.model_file import MODEL_ENV_VAR, ModelInfo, resolve_model
from screening.pose.native_log import route_native_stderr

if TYPE_CHECKING:
    from screening.batch.evaluation import ClipLabel
    from screening.clinic.saver import ClientSaver

RETAKE_KINDS = ("heels_elevated", "hands_on_hips")


def _expand(paths: Sequence[str]) -> list[Path]:
    """Files as given, and the videos inside any folder given (sorted, recursive)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                sorted(
                    f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in VIDEO_SUFFIXES
                )
            )
        else:
            out.append(p)
    return out


def _records(
    paths: list[Path], model: ModelInfo, settings: Settings, args: argparse.Namespace
) -> Iterator[ScreeningRecord]:
    """Score videos here, in worker processes or on a Dask cluster, yielding as each ends.

    With --resume, the videos whose content already has a record in --out are left out
    (worked out now, before the output file is opened for appending).
    """
    from screening.batch import runner as batch

    options = batch.ScoreOptions(
        model=model,
        settings=settings,
        movement=args.movement,
        view=args.view,
        pain=args.pain,
        retakes=args.retake,
        annotate_dir=args.annotate,
        cache_dir=args.cache,
        report_dir=args.report,
    )
    show = (not args.quiet and sys.stderr.isatty()) or args.progress
    jobs = batch.hash_jobs(paths, show=show and len(paths) > 1)
    if args.resume:
        todo = batch.still_to_do(jobs, batch.recorded(Path(args.out)))
        if len(todo) < len(jobs):
            print(
                f"resuming: {len(jobs) - len(todo)} of {len(jobs)} videos already have a "
                f"record in {args.out}",
                file=sys.stderr,
                flush=True,
            )
        jobs = todo
    progress = batch.BatchProgress(len(jobs), show and len(jobs) > 0)

    def run(unique: list[batch.Job]) -> Iterator[ScreeningRecord]:
        if args.cluster:
            from screening.batch.cluster import run_cluster

            return run_cluster(unique, options, args.cluster)
        if args.workers > 1 and len(unique) > 1:
            return batch.run_pool(unique, options, args.workers)
        return batch.run_here(unique, options, progress.frames)

    def stream() -> Iterator[ScreeningRecord]:
        try:
            for record in batch.score_unique(jobs, run):
                progress.finished(record)
                yield record
        finally:
            progress.close()

    return stream()


def _key_values(items: list[str], what: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise UsageError(f"{what} expects KEY=VALUE, got {item!r}")
        out[key.strip().lower()] = value.strip()
    return out


def _pain(items: list[str]) -> dict[str, float]:
    """--pain knee=3 --pain back=0: numeric rating scale 0-10 per region."""
    out = {}
    for region, text in _key_values(items, "--pain").items():
        try:
            nrs = float(text)
        except ValueError:
            raise UsageError(f"--pain {region}={text}: the rating must be a number 0-10") from None
        if not 0 <= nrs <= 10:
            raise UsageError(f"--pain {region}={text}: the rating must be between 0 and 10")
        out[region] = nrs
    return out


def _retakes(items: list[str]) -> dict[str, str]:
    out = _key_values(items, "--retake")
    for kind in out:
        if kind not in RETAKE_KINDS:
            raise UsageError(f"--retake {kind}: choose one of {', '.join(RETAKE_KINDS)}")
    return out


def _client_saver(args: argparse.Namespace) -> ClientSaver | None:
    """--client NAME [--db URL]: also save each result in the clinic store."""
    if args.db and not args.client:
        raise UsageError("--db is the clinic database for --client NAME: give --client too")
    if not args.client:
        return None
    from screening.clinic.saver import ClientSaver

    return ClientSaver(args.db, args.client, args.retake)


def _score_same_person(
    paths: list[Path],
    model: ModelInfo,
    settings: Settings,
    args: argparse.Namespace,
    saver: ClientSaver | None,
) -> int:
    """Several views of one person's movement -> one combined record."""
    from screening.engine.pipeline import screen_clips

    record, analyses = screen_clips(
        list(paths),
        model,
        settings,
        movement=args.movement,
        pain=args.pain,
        retakes=args.retake,
        annotate_dir=args.annotate,
    )
    if args.report:
        from screening.report.document import write_result_report

        write_result_report(record, analyses, list(paths), args.report)
    if args.out:
        with RecordWriter(args.out) as writer:
            writer.write(record)
    if saver:
        saver.save(record)
    print(record.summary_line(), file=sys.stdout if record.ok else sys.stderr, flush=True)
    return 0 if record.ok else 1


def cmd_score(args: argparse.Namespace) -> int:
    args.pain = _pain(args.pain)
    args.retake = _retakes(args.retake)
    settings = load_settings(args.settings)
    model = resolve_model(args.model)
    paths = _expand(args.paths)
    if not paths:
        raise ScreeningError("no videos found in the given folder(s)")
    if args.resume and not args.out:
        raise UsageError("--resume continues an --out file: give --out FILE as well")
    if args.same_person and (args.resume or args.cache or args.cluster):
        raise UsageError(
            "--resume, --cache and --cluster are for batches of separate "
            "videos, not for --same-person"
        )
    if args.retake and len(paths) > 1 and not args.same_person:
        raise UsageError(
            "--retake belongs to one person's video: score one PATH with it, "
            "or several views of the same person with --same-person"
        )
    if args.report and Path(args.report).exists() and not Path(args.report).is_dir():
        raise UsageError(f"--report {args.report}: that is a file; give a folder for the reports")
    if args.same_person and len(paths) < 2:
        raise UsageError("--same-person combines several views: give two or more PATHs")
    saver = _client_saver(args)
    try:
        return _score_paths(paths, model, settings, args, saver)
    finally:
        if saver:
            print(saver.summary_line(), file=sys.stderr, flush=True)
            saver.close()


def _score_paths(
    paths: list[Path],
    model: ModelInfo,
    settings: Settings,
    args: argparse.Namespace,
    saver: ClientSaver | None,
) -> int:
    if args.same_person:
        return _score_same_person(paths, model, settings, args, saver)
    failed = 0
    started = time.time()
    records = _records(paths, model, settings, args)
    writer = RecordWriter(args.out, append=args.resume) if args.out else None
    try:
        for record in records:
            if writer:
                writer.write(record)
            if saver:
                saver.save(record)
            if args.report:
                from screening.report.document import ensure_result_report

                ensure_result_report(record, args.report, since=started)
            if record.ok:
                print(record.summary_line(), flush=True)
            else:
                failed += 1
                print(record.summary_line(), file=sys.stderr, flush=True)
    finally:
        if writer:
            writer.close()
    return 1 if failed else 0


def _review_labels(url: str) -> tuple[Path, dict[str, ClipLabel]]:
    """The clips folder of a clinic database and its reviews as labels (`eval --db`)."""
    from screening.clinic import StoreError, open_store
    from screening.clinic.agreement import review_labels
    from screening.clinic.repository import all_assessments

    try:
        with open_store(url, must_exist=True) as store:
            found = review_labels(store, all_assessments(store))
            clips_dir = store.clips_dir
    except StoreError as exc:
        raise UsageError(f"--db: {exc}") from None
    if found.without_video:
        print(
            f"screening: {found.without_video} reviewed result(s) left out: their video was "
            "not kept (or they combine several views)",
            file=sys.stderr,
        )
    if not found.labels:
        raise UsageError("--db: no reviewed result with a kept video to measure against")
    return clips_dir, found.labels


def cmd_eval(args: argparse.Namespace) -> int:
    """Score labelled clips and compare with their truth."""
    from screening.batch.evaluation import evaluate, format_report, load_labels, summary

    if args.db:
        directory, labels = _review_labels(args.db)
    elif args.directory is None:
        raise UsageError("give a folder of labelled clips, or --db URL for a clinic's reviews")
    else:
        directory = Path(args.directory)
        if not directory.is_dir():
            raise UsageError(f"{directory} is not a folder")
        labels = load_labels(directory, Path(args.labels) if args.labels else None)
    settings = load_settings(args.settings)
    model = resolve_model(args.model)
    if args.cache:
        from screening.engine.cache import LandmarkCache

        LandmarkCache(args.cache)  # an unusable folder is one usage error, not one per clip
    show = (not args.json and sys.stderr.isatty()) or args.progress
    with tqdm(total=len(labels), unit="clip", disable=not show) as bar:
        outcomes = evaluate(
            directory,
            labels,
            model,
            settings,
            args.workers,
            on_clip=lambda _: bar.update(),
            cache_dir=args.cache,
        )
    report = summary(outcomes)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report))
    return 0 if report["scored"] == report["clips"] else 1


def cmd_app(args: argparse.Namespace) -> int:
    """Start the web app on localhost (`streamlit run screening/app/main.py` with the
    options in `screening.app.server`)."""
    from screening.app.server import streamlit_command

    command = streamlit_command(args.port, args.address, headless=args.headless)
    if args.clinic:
        os.environ["SCREENING_CLINIC"] = "1"  # read by the app: show the clinic pages
    sys.stdout.flush()
    # Become the server process, so Ctrl-C and a terminate signal reach Streamlit itself.
    os.execv(sys.executable, command)
    return 0  # not reached


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="screening",
        description="Functional movement screen: score squats and lunges from video, "
        "offline, with MediaPipe. Nothing leaves this machine.",
    )
    parser.add_argument("--version", action="version", version=f"screening {__version__}")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also log what the tool and the pose model's native code say "
        "while working (to stderr)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    score = sub.add_parser(
        "score",
        help="score videos (files or folders) and write one record per video",
        description="Score videos: find the pose in every frame, segment the reps and write "
        "one JSON record per video. A one-line summary per video goes to stdout, "
        "failures to stderr. Exit status: 0 all scored, 1 some failed, 2 usage "
        "error.",
    )
    score.add_argument("paths", nargs="+", metavar="PATH", help="video files or folders")
    score.add_argument("--out", metavar="FILE", help="write records to FILE.jsonl or FILE.csv")
    score.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="score N videos at once in separate processes, one pose model "
        "each (default 1; the number of CPU cores is usually fastest)",
    )
    score.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted batch: keep the records already in "
        "--out and score only the videos that have none (matched by "
        "the video's content, so renamed files are not scored twice)",
    )
    score.add_argument(
        "--cache",
        metavar="DIR",
        help="keep each video's landmarks in DIR (one Parquet file per video) "
        "and reuse them next time, so re-scoring with new thresholds "
        "skips the pose model; entries follow the video's content, the "
        "model and the [pose] settings",
    )
    score.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="score on an existing Dask cluster whose scheduler is at ADDRESS "
        "(e.g. tcp://10.0.0.5:8786) instead of local processes; workers "
        "need this package and the videos at the same paths",
    )
    score.add_argument(
        "--movement",
        choices=[m.value for m in Movement],
        help="the movement in the videos, when you know it",
    )
    score.add_argument(
        "--view", choices=[v.value for v in View], help="the camera view, when you know it"
    )
    score.add_argument(
        "--pain",
        action="append",
        default=[],
        metavar="REGION=NRS",
        help="pain felt during the movement, 0-10 per region (e.g. knee=3); "
        "any pain routes to the pain program",
    )
    score.add_argument(
        "--retake",
        action="append",
        default=[],
        metavar="KIND=FILE",
        help="a retake of the same squat: heels_elevated=FILE or "
        "hands_on_hips=FILE; sharpens the score and the route",
    )
    score.add_argument(
        "--same-person",
        action="store_true",
        help="the PATHs are views (e.g. front and side) of one person's "
        "movement: combine them into one result, each check judged from "
        "the view that sees it",
    )
    score.add_argument(
        "--client",
        metavar="NAME",
        help="also save each result as an assessment of this client in the "
        "clinic database (the client is created if new)",
    )
    score.add_argument(
        "--db",
        metavar="URL",
        help=f"the clinic database for --client, as a URL such as "
        f"sqlite:///clinic.sqlite3 (default: ${DB_URL_ENV_VAR}, or a "
        f"private file in your user data folder)",
    )
    score.add_argument(
        "--report",
        metavar="DIR",
        help="also write each result as a report to keep or print: "
        "DIR/<video name>.report.pdf and .report.html, with the frames "
        "that show each finding, charts and the program (readable by "
        "you only)",
    )
    score.add_argument(
        "--annotate", metavar="DIR", help="also write each video with the skeleton drawn, to DIR"
    )
    score.add_argument(
        "--model",
        metavar="FILE",
        help=f"a PoseLandmarker .task file (default: the bundled model, or ${MODEL_ENV_VAR})",
    )
    score.add_argument("--settings", metavar="FILE", help="a TOML file overriding default settings")
    score.add_argument(
        "--progress",
        action="store_true",
        help="show progress bars even when stderr is not a terminal",
    )
    score.add_argument("--quiet", action="store_true", help="no progress bars")
    score.set_defaults(func=cmd_score)

    ev = sub.add_parser(
        "eval",
        help="measure accuracy on labelled clips (e.g. sample_videos)",
        description="Score every labelled clip and print per-check precision, recall and F1 "
        "over the clips whose view can see the check, false findings on clean "
        "clips, view / movement / rep-count accuracy and landmark error.",
    )
    ev.add_argument("directory", metavar="DIR", nargs="?", help="folder of clips with labels.json")
    ev.add_argument(
        "--db",
        metavar="URL",
        help="use a clinic database instead of DIR: every reviewed result whose video was "
        "kept is a clip, labelled with what its therapist kept (measure a new --model or "
        "--settings on the clinic's own clients before switching)",
    )
    ev.add_argument("--labels", metavar="FILE", help="labels file (default DIR/labels.json)")
    ev.add_argument(
        "--workers", type=int, default=1, metavar="N", help="clips scored at once (default 1)"
    )
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.add_argument("--model", metavar="FILE", help="a PoseLandmarker .task file")
    ev.add_argument("--settings", metavar="FILE", help="a TOML file overriding settings")
    ev.add_argument("--progress", action="store_true", help="show a progress bar")
    ev.add_argument(
        "--cache",
        metavar="DIR",
        help="keep the clips' landmarks in DIR and reuse them, so trying new "
        "thresholds (--settings) skips the pose model",
    )
    ev.set_defaults(func=cmd_eval)

    app = sub.add_parser("app", help="start the web app on this machine (localhost only)")
    app.add_argument("--port", type=int, default=8501)
    app.add_argument(
        "--address",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1: only this machine can reach it)",
    )
    app.add_argument("--headless", action="store_true", help="do not open a browser")
    app.add_argument(
        "--clinic",
        action="store_true",
        help="show the clinic pages (clients, reviews, progress) from the start; "
        "otherwise they are behind the 'Clinic tools' switch",
    )
    app.set_defaults(func=cmd_app)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "workers", 1) < 1:
        parser.error("--workers must be at least 1")
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    if args.verbose:
        logging.getLogger("screening").setLevel(logging.DEBUG)
    route_native_stderr()  # mediapipe's C++ log lines go to logging, not the user's stderr
    try:
        return int(args.func(args))
    except ScreeningError as exc:
        print(f"screening: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("screening: interrupted", file=sys.stderr)
        return 130
