"""Scoring a folder of videos: in parallel, resumable, safe against crashed workers.

A batch is a list of `Job`s (a video and the SHA-256 of its bytes) scored with one set of
`ScoreOptions`. Records stream out as each video finishes, so the caller can write them
at once and a killed run keeps everything already written. Three ideas keep a batch
honest:

- Content, not names. A video is known by the hash of its bytes. `--resume` skips the
  videos whose content already has a record in the output file, however the paths were
  spelled; two files with the same bytes each get a record, the second reusing the first's
  result instead of running the model twice.
- One pose model per worker process. Each worker builds its own PoseLandmarker for every
  video (a fresh one, so a video's landmarks never depend on which video came before it:
  one worker and eight workers give the same records).
- No silent losses. A worker that dies (killed, out of memory, a crash in native code)
  breaks the process pool; the videos it had in hand are retried once, each alone in a
  new process, and a video that kills its process again becomes an `ok: false` record
  saying so. The rest of the batch goes on.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import logging
import multiprocessing
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tqdm import tqdm

from screening.core.errors import UsageError
from screening.core.settings import Settings
from screening.io.record import ScreeningRecord
from screening.pose.model_file import ModelInfo, sha256_of

CRASHED_TWICE = (
    "the process scoring this video stopped unexpectedly, twice (killed, out "
    "of memory, or a crash in the video decoder or the pose model)"
)


@dataclass(frozen=True)
class Job:
    """One video to score: its path and the SHA-256 of its bytes ("" if unreadable)."""

    path: str
    sha256: str


@dataclass(frozen=True)
class ScoreOptions:
    """How every video of a batch is scored; sent once to each worker process."""

    model: ModelInfo
    settings: Settings
    movement: str | None = None
    view: str | None = None
    pain: dict[str, float] = field(default_factory=dict)
    retakes: dict[str, str] = field(default_factory=dict)
    annotate_dir: str | None = None
    cache_dir: str | None = None
    report_dir: str | None = None


Work = Callable[[Job, ScoreOptions], ScreeningRecord]
"""What a worker does with one job (`score_job`; tests pass one that misbehaves)."""

FrameCallback = Callable[[int, int], None]


def hash_jobs(paths: Sequence[str | Path], show: bool = False) -> list[Job]:
    """Hash each video's bytes. An unreadable file gets "" and fails later with a reason.

    Shown as its own progress bar: reading every byte of a large folder takes a while
    before the first video starts.
    """
    jobs = []
    for p in tqdm(paths, desc="reading", unit="video", disable=not show, leave=False):
        try:
            digest = sha256_of(Path(p)) if Path(p).is_file() else ""
        except OSError:
            digest = ""
        jobs.append(Job(str(p), digest))
    return jobs


def score_job(
    job: Job, options: ScoreOptions, progress: FrameCallback | None = None
) -> ScreeningRecord:
    """Score one video in whichever process runs it (this one, a pool or a Dask worker)."""
    from screening.engine.pipeline import extract_pose, screen_clips  # mediapipe: only in workers

    extract = extract_pose
    if options.cache_dir:
        from screening.engine.cache import LandmarkCache

        cache = LandmarkCache(options.cache_dir)
        if job.sha256:
            cache.known_hashes[job.path] = job.sha256
        extract = cache.extract
    record, analyses = screen_clips(
        [job.path],
        options.model,
        options.settings,
        movement=options.movement,
        view=options.view,
        pain=options.pain,
        retakes=options.retakes,
        annotate_dir=options.annotate_dir,
        progress=progress,
        extract=extract,
    )
    if options.report_dir:  # here, where the analyses (for key frames) are at hand
        from screening.report.document import write_result_report

        # The key frames kept while drawing the annotated video, else the file once more.
        videos = [analyses[0].kept_frames or job.path] if analyses else [job.path]
        write_result_report(record, analyses, videos, options.report_dir)
    record.video_sha256 = job.sha256
    return record


def failure(job: Job, options: ScoreOptions, error: str) -> ScreeningRecord:
    """The `ok: false` record of a video that could not be scored."""
    return ScreeningRecord(
        source=job.path, error=error, model=options.model.as_record(), video_sha256=job.sha256
    )


def unexpected(job: Job, options: ScoreOptions, exc: BaseException) -> ScreeningRecord:
    """A bug or an environment problem while scoring: say what, keep the batch going."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return failure(
        job,
        options,
        f"unexpected error while scoring ({type(exc).__name__}{': ' + first if first else ''})",
    )


# --- running jobs -----------------------------------------------------------------------


def run_here(
    jobs: Iterable[Job], options: ScoreOptions, on_frames: FrameCallback | None = None
) -> Iterator[ScreeningRecord]:
    """Score one video after another in this process (`--workers 1`)."""
    for job in jobs:
        try:
            yield score_job(job, options, on_frames)
        except Exception as exc:  # one bad video must not stop the batch
            yield unexpected(job, options, exc)


def _pool(workers: int) -> ProcessPoolExecutor:
    # spawn: a worker starts clean, not as a copy of a parent whose native libraries
    # (MediaPipe, OpenCV) may hold threads and locks that do not survive a fork.
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_logging,
        initargs=(logging.getLogger("screening").getEffectiveLevel(),),
    )


def _worker_logging(level: int) -> None:
    """A spawned worker logs as the CLI does: `screening: ...` lines on stderr."""
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    logging.getLogger("screening").setLevel(level)


T = TypeVar("T")
R = TypeVar("R")


def _alone(item: T, work: Callable[[T], R], failed: Callable[[T, str | Exception], R]) -> R:
    """Retry an item whose worker died, alone in a new process, so a crash is pinned on it."""
    with _pool(1) as pool:
        try:
            return pool.submit(work, item).result()
        except BrokenProcessPool:
            return failed(item, CRASHED_TWICE)
        except Exception as exc:
            return failed(item, exc)


def parallel(
    items: Iterable[T],
    work: Callable[[T], R],
    workers: int,
    failed: Callable[[T, str | Exception], R],
) -> Iterator[R]:
    """`work` each item in `workers` fresh (spawned) processes, yielding results as they end.

    The one process pool of the project (score and eval both use it). Only as many items
    as there are workers are handed out at a time, so when a worker dies the pool knows
    exactly which items were in hand: those are retried alone, and an item that kills its
    process again gets `failed(item, CRASHED_TWICE)`; the others go to the next pool. An
    exception inside `work` gets `failed(item, exc)`. `work` must be picklable (a
    module-level function or a `Bound`).
    """
    pending = deque(items)
    while pending:
        in_hand: list[T] = []
        pool = _pool(workers)
        try:
            running: dict[Future[R], T] = {}
            while pending or running:
                while pending and len(running) < workers:
                    item = pending.popleft()
                    try:
                        running[pool.submit(work, item)] = item
                    except BrokenProcessPool:  # a worker died since the last wait
                        pending.appendleft(item)
                        break
                if not running:
                    break  # the pool broke with nothing in hand: start a new one
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    item = running.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        in_hand.append(item)
                    except Exception as exc:
                        yield failed(item, exc)
                if in_hand:
                    in_hand += running.values()
                    break
        finally:
            pool.shutdown(wait=not in_hand, cancel_futures=True)
        for item in in_hand:
            yield _alone(item, work, failed)


@dataclass(frozen=True)
class Bound:
    """A picklable `work(job, options)` with its options bound, for `parallel`."""

    work: Work
    options: ScoreOptions

    def __call__(self, job: Job) -> ScreeningRecord:
        return self.work(job, self.options)

    def failed(self, job: Job, why: str | Exception) -> ScreeningRecord:
        if isinstance(why, Exception):
            return unexpected(job, self.options, why)
        return failure(job, self.options, why)


def run_pool(
    jobs: Iterable[Job], options: ScoreOptions, workers: int, work: Work = score_job
) -> Iterator[ScreeningRecord]:
    """Score videos in `workers` processes, yielding each record as soon as it is ready
    (see `parallel`)."""
    bound = Bound(work, options)
    return parallel(jobs, bound, workers, bound.failed)


# --- same content, resume --------------------------------------------------------------


def score_unique(
    jobs: list[Job], run: Callable[[list[Job]], Iterator[ScreeningRecord]]
) -> Iterator[ScreeningRecord]:
    """Run each distinct video once; files with the same bytes get a copy of its record."""
    first: dict[str, Job] = {}
    twins: dict[str, list[Job]] = defaultdict(list)
    unique = []
    for job in jobs:
        if job.sha256 and job.sha256 in first:
            twins[job.sha256].append(job)
        else:
            first[job.sha256] = job
            unique.append(job)
    for record in run(unique):
        yield record
        for twin in twins.pop(record.video_sha256, []) if record.video_sha256 else []:
            yield dataclasses.replace(record, source=twin.path)


def _repair_tail(path: Path) -> None:
    """Cut a last line left half-written by a killed run, so appending starts clean."""
    with path.open("rb+") as fh:
        data = fh.read()
        if data and not data.endswith(b"\n"):
            fh.truncate(data.rfind(b"\n") + 1)


def recorded(out: Path) -> list[tuple[str, str]]:
    """(source, video_sha256) of every record already in an output file, repairing its tail.

    Raises UsageError when the file is not one this tool wrote.
    """
    if not out.exists() or out.stat().st_size == 0:
        return []
    _repair_tail(out)
    with out.open(encoding="utf-8", newline="") as fh:
        if out.suffix.lower() == ".csv":
            rows: list[dict[str, Any]] = list(csv.DictReader(fh))
            if rows and "video_sha256" not in rows[0]:
                raise UsageError(
                    f"--resume: {out} has no video_sha256 column (written by an "
                    "older version); choose a new --out file"
                )
        else:
            try:
                rows = [json.loads(line) for line in fh if line.strip()]
            except json.JSONDecodeError as exc:
                raise UsageError(
                    f"--resume: {out} is not a JSON-lines record file "
                    f"(line {exc.lineno}: {exc.msg})"
                ) from None
    try:
        return [(str(r["source"]), str(r.get("video_sha256") or "")) for r in rows]
    except (KeyError, TypeError):
        raise UsageError(f"--resume: {out} does not hold screening records") from None


def still_to_do(jobs: list[Job], done: list[tuple[str, str]]) -> list[Job]:
    """The jobs that have no record yet, matching records by content.

    Each record in the file accounts for one video with its content: first the file of
    the same name, else any file with the same bytes (the folder was renamed, or given
    as a different path). So a restarted run neither repeats nor loses a video, and a
    second copy of a scored video still gets its own record.
    """
    unmatched = Counter(h for _, h in done if h)
    sources = {(s, h) for s, h in done}
    todo, others = [], []
    for job in jobs:
        if job.sha256 and (job.path, job.sha256) in sources and unmatched[job.sha256] > 0:
            unmatched[job.sha256] -= 1
        elif not job.sha256 and (job.path, "") in sources:
            continue  # unreadable before and recorded as failed: not retried
        else:
            others.append(job)
    for job in others:
        if job.sha256 and unmatched[job.sha256] > 0:
            unmatched[job.sha256] -= 1
        else:
            todo.append(job)
    return todo


# --- progress -------------------------------------------------------------------------


class BatchProgress:
    """A progress bar counting videos, with the frame rate the batch achieves."""

    def __init__(self, total: int, show: bool) -> None:
        self._bar = tqdm(total=total, unit="video", disable=not show, dynamic_ncols=True)
        self._start = time.perf_counter()
        self._frames_done = 0
        self._frames_current = 0

    def frames(self, done: int, _total: int = 0) -> None:
        """Frames of the video being scored in this process (called while it decodes)."""
        self._frames_current = done
        if done % 15 == 0:
            self._postfix()

    def finished(self, record: ScreeningRecord) -> None:
        self._frames_done += record.frames
        self._frames_current = 0
        self._bar.update()
        self._postfix()

    def _postfix(self) -> None:
        elapsed = max(time.perf_counter() - self._start, 1e-9)
        rate = (self._frames_done + self._frames_current) / elapsed
        self._bar.set_postfix_str(f"{rate:.1f} frames/s", refresh=True)

    def close(self) -> None:
        self._bar.close()
