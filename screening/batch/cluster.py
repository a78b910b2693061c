"""Running a batch on a Dask distributed cluster (`screening score DIR --cluster ADDRESS`).

When one machine is not enough, the same jobs go to the workers of an existing Dask
cluster instead of local processes. Each task is `batch.score_job`, the very function the
local pool runs, so a record does not depend on where it was made. The workers must have
this package installed and see the videos (and `--cache`/`--annotate` folders, and the
model file) at the same paths as this machine, e.g. on a shared file system.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from screening.batch.runner import Job, ScoreOptions, Work, failure, score_job, unexpected
from screening.core.errors import UsageError
from screening.io.record import ScreeningRecord

CONNECT_TIMEOUT_S = 20
CRASHED_ON_CLUSTER = (
    "every cluster worker that tried to score this video stopped "
    "unexpectedly (killed, out of memory, or a crash in the video decoder "
    "or the pose model)"
)


def run_cluster(
    jobs: Iterable[Job], options: ScoreOptions, address: str, work: Work = score_job
) -> Iterator[ScreeningRecord]:
    """Score videos on the cluster whose scheduler is at `address`, yielding as each ends.

    A video whose worker dies is retried by the scheduler as often as its
    `allowed-failures` setting says, and then once more from here, because the scheduler
    blames every task the dead worker held, not just the one that killed it (a scheduler
    with `worker-saturation = 1.0` hands each worker one video at a time, so only the
    culprit is blamed). A video that fails after that becomes an `ok: false` record, as
    does a task that raises. The other videos go on.
    """
    from distributed import Client, KilledWorker, as_completed

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(
            f"--cluster {address}: cannot reach the Dask scheduler ({reason})"
        ) from None
    with client:
        # The options (a few kB) travel with every task rather than being scattered once:
        # scattered data dies with the workers holding it, and takes their tasks along.
        futures = {client.submit(work, job, options, pure=False): job for job in jobs}
        retried: set[Job] = set()
        finished = as_completed(futures)
        for future in finished:
            job = futures.pop(future)
            try:
                yield future.result()
            except KilledWorker:
                if job in retried:
                    yield failure(job, options, CRASHED_ON_CLUSTER)
                else:
                    retried.add(job)
                    again = client.submit(work, job, options, pure=False)
                    futures[again] = job
                    finished.add(again)
            except Exception as exc:  # a failed task must not stop the batch
                yield unexpected(job, options, exc)
            future.release()
