"""Running a batch on a Dask distributed cluster (`screening score DIR --cluster ADDRESS`).

When one machine is not enough, the same jobs go to the workers of an existing Dask
cluster instead of local processes. Each task is `batch.score_job`, the very function the
local pool runs, so a record does not depend on where it was made. The workers must have
this package installed and see the videos (and `--cache`/`--annotate` folders, and the
model file) at the same paths as this machine, e.g. on a shared file system.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from screening.batch import Job, ScoreOptions, score_job, unexpected
from screening.errors import UsageError
from screening.record import ScreeningRecord

CONNECT_TIMEOUT_S = 20


def run_cluster(jobs: Iterable[Job], options: ScoreOptions,
                address: str) -> Iterator[ScreeningRecord]:
    """Score videos on the cluster whose scheduler is at `address`, yielding as each ends.

    A task that fails, or whose worker dies more often than the scheduler allows
    (distributed's KilledWorker), becomes an `ok: false` record; the others go on.
    """
    from distributed import Client, as_completed

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"--cluster {address}: cannot reach the Dask scheduler "
                         f"({reason})") from None
    with client:
        shared = client.scatter(options, broadcast=True)  # sent once, not with every task
        futures = {client.submit(score_job, job, shared, pure=False): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                yield future.result()
            except Exception as exc:  # a failed task must not stop the batch
                yield unexpected(job, options, exc)
            future.release()
