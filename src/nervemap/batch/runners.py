"""Where partitions run: a local process pool (default), a Dask cluster, or this process.

Each runner keeps a bounded window of partitions in flight (two per worker), so the driver holds
only a few partitions of input at a time, and yields each partition's report as it finishes.
"""

from __future__ import annotations

import multiprocessing
import os
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol

from nervemap.batch.work import PartTask, process_partition, warm_up, warm_up_dedicated
from nervemap.batch.workdir import PartDone

IN_FLIGHT_PER_WORKER = 2


class Runner(Protocol):
    workers: int

    def run(self, tasks: Iterable[PartTask]) -> Iterator[PartDone]: ...

    def close(self) -> None: ...


def available_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class InlineRunner:
    """Partitions run one after another in this process (for debugging and small tests)."""

    workers = 1

    def __init__(self, notes: bool, knowledge: str | None = None) -> None:
        warm_up(notes, knowledge)

    def run(self, tasks: Iterable[PartTask]) -> Iterator[PartDone]:
        for task in tasks:
            yield process_partition(task)

    def close(self) -> None:
        pass


class ProcessRunner:
    """A pool of fresh (spawned) processes, each loading the knowledge and text pipeline once."""

    def __init__(self, workers: int, notes: bool, knowledge: str | None = None) -> None:
        self.workers = workers
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=warm_up_dedicated,
            initargs=(notes, knowledge),
        )

    def run(self, tasks: Iterable[PartTask]) -> Iterator[PartDone]:
        queue = iter(tasks)
        pending: set[Future[PartDone]] = set()
        while True:
            while len(pending) < self.workers * IN_FLIGHT_PER_WORKER:
                task = next(queue, None)
                if task is None:
                    break
                pending.add(self._pool.submit(process_partition, task))
            if not pending:
                return
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: f.result().number):
                yield future.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskRunner:
    """A Dask cluster: ``"local"`` starts a loopback LocalCluster; ``tcp://...`` joins a scheduler.

    Workers must import this nervemap and see the output folder at the same path (they write the
    parts themselves, so only small reports travel back to this process).
    """

    def __init__(
        self, scheduler: str, workers: int | None, notes: bool, knowledge: str | None = None
    ) -> None:
        import distributed

        dask: Any = distributed  # untyped calls, kept behind one Any
        self._cluster: Any = None
        if scheduler == "local":
            self._cluster = dask.LocalCluster(
                n_workers=workers or 2,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",
            )
            self._client: Any = dask.Client(self._cluster)
        else:
            self._client = dask.Client(scheduler)
        self._client.run(warm_up, notes, knowledge)
        self.workers = max(1, sum(self._client.nthreads().values()))
        self._token = uuid.uuid4().hex[:12]

    def run(self, tasks: Iterable[PartTask]) -> Iterator[PartDone]:
        import distributed

        dask_wait: Any = distributed.wait
        queue = iter(tasks)
        pending: set[Any] = set()
        while True:
            while len(pending) < self.workers * IN_FLIGHT_PER_WORKER:
                task = next(queue, None)
                if task is None:
                    break
                key = f"nervemap-batch-{self._token}-{task.number:06d}"
                pending.add(self._client.submit(process_partition, task, key=key, pure=False))
            if not pending:
                return
            finished, not_done = dask_wait(list(pending), return_when="FIRST_COMPLETED")
            pending = set(not_done)
            for future in sorted(finished, key=lambda f: f.key):
                report: PartDone = future.result()
                future.release()
                yield report

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_runner(
    scheduler: str | None, workers: int | None, partitions: int, notes: bool, knowledge: str | None = None
) -> Runner:
    """``workers``: processes (default: the cores) or LocalCluster workers (default 2); 0 runs in
    this process. Never more local workers than partitions to run. ``knowledge``: the knowledge
    folder every worker loads (None: the packaged one)."""
    if scheduler is not None:
        return DaskRunner(scheduler, workers, notes, knowledge)
    if workers == 0:
        return InlineRunner(notes, knowledge)
    count = workers if workers is not None else available_cores()
    return ProcessRunner(max(1, min(count, partitions)), notes, knowledge)
