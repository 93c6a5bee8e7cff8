"""run_batch: assess a file of cases or notes in partitions, resumably, on processes or Dask."""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from nervemap.batch.finalize import errors_path, finalize
from nervemap.batch.formats import BatchError, output_format
from nervemap.batch.runners import make_runner
from nervemap.batch.source import Source
from nervemap.batch.work import PartTask
from nervemap.batch.workdir import PartDone, WorkFolder
from nervemap.knowledge.loader import knowledge_version, read_knowledge

DEFAULT_PARTITION_SIZE = 5000


@dataclass(frozen=True)
class BatchProgress:
    """Reported once at the start (counting partitions resumed) and after every partition."""

    records_done: int
    records_total: int
    errors: int
    parts_done: int
    parts_total: int


@dataclass(frozen=True)
class BatchResult:
    output: Path
    errors_file: Path
    complete: bool
    records: int
    errors: int
    parts_total: int
    parts_run: int
    parts_resumed: int
    seconds: float
    cpu_seconds: float = 0.0
    """CPU time the workers spent on the partitions run in this run (not on start-up)."""
    peak_rss_bytes: dict[str, int] = field(default_factory=dict)
    """Peak resident memory of each worker process that ran a partition in this run."""


ProgressCallback = Callable[[BatchProgress], None]


def run_batch(
    input_path: str | Path,
    output_path: str | Path,
    *,
    scheduler: str | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    max_partitions: int | None = None,
    restart: bool = False,
    keep_parts: bool = False,
    knowledge: str | Path | None = None,
) -> BatchResult:
    """Assess every record of ``input_path`` (JSON Lines or Parquet; structured cases or notes)
    into ``output_path`` (.jsonl: full assessments; .parquet / .csv: one flat row per record).

    Records that cannot be assessed go to ``OUTPUT.errors.jsonl`` (and the ``error`` column of
    tabular output); the batch goes on. Finished partitions are kept in ``OUTPUT.parts/`` until
    the output is complete, so a rerun resumes where an interrupted run stopped.

    ``scheduler``: None for local processes, ``"local"`` for a loopback 2-worker Dask cluster, or
    a ``tcp://host:port`` Dask scheduler. ``workers``: processes or LocalCluster workers (0: run in
    this process). ``max_partitions`` stops after that many partitions (the output then waits
    for a later run); ``restart`` discards earlier parts; ``keep_parts`` keeps the work folder.
    ``knowledge``: the knowledge folder to assess with (None: the packaged one). It is checked
    here, before any worker starts, and its version is part of the work folder's header, so a
    rerun with another knowledge base cannot resume parts assessed with this one.
    """
    started = time.perf_counter()
    if partition_size < 1:
        raise BatchError("partition size must be at least 1")
    if scheduler is not None and scheduler != "local" and "://" not in scheduler:
        raise BatchError(f"scheduler must be 'local' or an address like tcp://host:8786, not {scheduler!r}")
    folder, version = _knowledge(knowledge)
    source = Source(Path(input_path))
    output = Path(output_path)
    kind = output_format(output)
    total = source.count()
    parts_total = math.ceil(total / partition_size)
    header = {
        **source.fingerprint(),
        "records": total,
        "partition_size": partition_size,
        "output": str(kind),
        "knowledge_version": version,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    work = WorkFolder.open(output, header, kind, restart=restart)
    done = work.finished()
    resumed = len(done)
    tracker = _Tracker(done, total, parts_total, progress)
    tracker.report()

    to_run = parts_total - len(done)
    if max_partitions is not None:
        to_run = min(to_run, max_partitions)
    peaks: dict[str, int] = {}
    cpu = 0.0
    if to_run > 0:
        tasks = itertools.islice(_tasks(source, work, partition_size, set(done), folder), to_run)
        runner = make_runner(scheduler, workers, to_run, source.has_notes(), folder)
        try:
            for part in runner.run(tasks):
                work.record(part)
                peaks[part.worker] = max(peaks.get(part.worker, 0), part.peak_rss_bytes)
                cpu += part.cpu_seconds
                tracker.add(part)
        finally:
            runner.close()

    complete = len(done) == parts_total
    if complete:
        finalize(work, done, parts_total, output)
        if not keep_parts:
            work.remove()
    return BatchResult(
        output=output,
        errors_file=errors_path(output),
        complete=complete,
        records=tracker.records,
        errors=tracker.errors,
        parts_total=parts_total,
        parts_run=len(done) - resumed,
        parts_resumed=resumed,
        seconds=round(time.perf_counter() - started, 3),
        cpu_seconds=round(cpu, 3),
        peak_rss_bytes=peaks,
    )


def _knowledge(knowledge: str | Path | None) -> tuple[str | None, str]:
    """The knowledge folder as workers receive it (absolute: they may run elsewhere) and its
    version; a folder that is missing or does not validate stops the batch before it starts."""
    if knowledge is None:
        return None, knowledge_version()
    folder = Path(knowledge)
    if not folder.is_dir():
        raise BatchError(f"knowledge folder '{folder}' is not a folder")
    loaded, problems = read_knowledge(folder)
    if loaded is None:
        raise BatchError(
            f"knowledge folder '{folder}' has {len(problems)} problem(s), the first: {problems[0]}; "
            "see nervemap kb check --data"
        )
    return str(folder.resolve()), loaded.knowledge.version


def _tasks(
    source: Source, work: WorkFolder, size: int, skip: set[int], knowledge: str | None
) -> Iterator[PartTask]:
    for partition in source.partitions(size):
        if partition.number in skip:
            continue
        yield PartTask(
            number=partition.number,
            first_record=partition.first_record,
            folder=str(work.folder),
            output=work.output,
            lines=partition.lines,
            table=partition.table,
            knowledge=knowledge,
        )


class _Tracker:
    """Counts finished partitions (in the shared ``done`` map) and reports progress."""

    def __init__(
        self, done: dict[int, PartDone], total: int, parts_total: int, progress: ProgressCallback | None
    ) -> None:
        self.done = done
        self.total = total
        self.parts_total = parts_total
        self.progress = progress
        self.records = sum(p.records for p in done.values())
        self.errors = sum(p.errors for p in done.values())

    def add(self, part: PartDone) -> None:
        self.done[part.number] = part
        self.records += part.records
        self.errors += part.errors
        self.report()

    def report(self) -> None:
        if self.progress is not None:
            self.progress(
                BatchProgress(self.records, self.total, self.errors, len(self.done), self.parts_total)
            )
