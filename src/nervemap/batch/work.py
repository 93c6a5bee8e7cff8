"""The worker side: one partition of raw records in, its part files out (written atomically).

Runs in a worker process (a process pool or a Dask worker). The knowledge base and the medSpaCy
pipeline are cached per process, so :func:`warm_up` loads them once and every partition reuses them.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
import resource
import socket
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

from nervemap import __version__
from nervemap.batch.formats import OutputFormat, flat_table
from nervemap.batch.records import (
    NOTE_KEYS,
    NoteReader,
    Parsed,
    parse_case_line,
    parse_line,
    read_record,
    table_record,
)
from nervemap.batch.workdir import PartDone, atomic_write, errors_part_path, part_path
from nervemap.engine.assess import assess_many, headlines
from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.engine.compiled import CompiledKnowledge, compile_knowledge, default_compiled
from nervemap.engine.core import CoreCase
from nervemap.engine.encode import CaseError, encode_case
from nervemap.knowledge.loader import load_knowledge
from nervemap.knowledge.models import Setting

T = TypeVar("T")
ASSESS_CHUNK = 500
"""Records assessed in one vectorised pass: bounds a worker's memory whatever the partition size."""
HEADLINE_CHUNK = 4096
"""The same for flat output, which needs only the engine's headline (small records)."""


@dataclass(frozen=True)
class PartTask:
    """One partition: records ``first_record ..`` of the input, as JSON lines or an Arrow table."""

    number: int
    first_record: int
    folder: str
    output: OutputFormat
    lines: list[str] | None = None
    table: pa.Table | None = None
    knowledge: str | None = None
    """The knowledge folder the records are assessed with (None: the packaged knowledge base)."""


@functools.cache
def knowledge_for(folder: str | None) -> CompiledKnowledge:
    """The knowledge base of ``folder`` (None: the packaged one), compiled once per process.

    The folder travels with each task rather than living in a global, so one worker process can
    serve batches run with different knowledge bases without mixing them.
    """
    return default_compiled() if folder is None else compile_knowledge(load_knowledge(Path(folder)))


def warm_up(notes: bool, knowledge: str | None = None) -> None:
    """Load the knowledge base (and the text pipeline when the input holds notes) in this process."""
    compiled = knowledge_for(knowledge)
    if notes:
        from nervemap.nlp import extract

        extract("warm-up", knowledge=compiled.knowledge)


_DEDICATED = False
"""True in a process the batch's process pool started for itself (see warm_up_dedicated)."""


def warm_up_dedicated(notes: bool, knowledge: str | None = None) -> None:
    """:func:`warm_up` in a process that runs nothing but partitions (the process pool's workers)."""
    global _DEDICATED
    _DEDICATED = True
    warm_up(notes, knowledge)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Cyclic garbage collection paused for one partition, only in a dedicated worker process.

    A partition allocates many small, acyclic records and the collector's passes over them cost
    about a quarter of the work. The collector is process-wide state, so it is paused only where
    nothing else runs: never in the caller's process (inline runs), a Dask worker (its comm threads)
    or a server thread. Garbage is collected as usual when the partition ends.
    """
    if not _DEDICATED or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def process_partition(task: PartTask) -> PartDone:
    with _collector_paused():
        return _process_partition(task)


def _process_partition(task: PartTask) -> PartDone:
    started, cpu_started = time.perf_counter(), time.process_time()
    compiled = knowledge_for(task.knowledge)
    parsed = _parse_all(task, compiled)
    folder = Path(task.folder)
    errors: list[tuple[Parsed, str]] = []
    if task.output.tabular:  # flat rows: the headline is all they show
        heads: Iterator[tuple[Parsed, CoreCase | str]] = _outcomes(
            parsed, lambda cases: _headlines(cases, compiled), HEADLINE_CHUNK
        )
        atomic_write(
            part_path(folder, task.number, task.output), lambda temp: _write_rows(temp, heads, errors)
        )
    else:  # JSON Lines: the full record, with its evidence
        full: Iterator[tuple[Parsed, Assessment | str]] = _outcomes(
            parsed, lambda cases: _assess(cases, compiled), ASSESS_CHUNK
        )
        atomic_write(
            part_path(folder, task.number, task.output), lambda temp: _write_assessments(temp, full, errors)
        )
    atomic_write(errors_part_path(folder, task.number), lambda temp: _write_errors(temp, errors))
    return PartDone(
        number=task.number,
        records=len(parsed),
        errors=len(errors),
        knowledge_version=compiled.knowledge.version,
        nervemap_version=__version__,
        worker=f"{socket.gethostname()}:{os.getpid()}",
        peak_rss_bytes=peak_rss_bytes(),
        seconds=round(time.perf_counter() - started, 3),
        cpu_seconds=round(time.process_time() - cpu_started, 3),
    )


def peak_rss_bytes() -> int:
    """This process's peak resident memory (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def _raw_records(task: PartTask) -> list[str | dict[str, Any]]:
    if task.lines is not None:
        return list(task.lines)
    if task.table is not None:
        return [table_record(row) for row in task.table.to_pylist()]
    return []


def _parse_all(task: PartTask, compiled: CompiledKnowledge) -> list[Parsed]:
    """Every record of the partition read: structured ones validated, notes read through spaCy
    together (:func:`_notes_read_together`)."""
    records = [
        (parse_case_line(task.first_record + offset, raw) or parse_line(task.first_record + offset, raw))
        if isinstance(raw, str)
        else raw
        for offset, raw in enumerate(_raw_records(task))
    ]
    read_note = _notes_read_together(records, compiled)
    return [
        record if isinstance(record, Parsed) else read_record(task.first_record + offset, record, read_note)
        for offset, record in enumerate(records)
    ]


def _notes_read_together(
    records: Sequence[Parsed | dict[str, Any]], compiled: CompiledKnowledge
) -> NoteReader | None:
    """The partition's note texts read with ``nlp.extract_many`` (spaCy's ``nlp.pipe`` in batches:
    the same extractions as one ``extract`` a note), looked up by (text, setting) when each record
    is read. A note that is not among them (its batch raised) is read alone, so an unreadable note
    gets its own error as before. None when the partition holds no note."""
    settings = {s.value for s in Setting}
    texts: dict[str, dict[str, None]] = {}  # setting -> its distinct texts, in order
    for record in records:
        if isinstance(record, dict) and isinstance(record.get("text"), str) and set(record) <= NOTE_KEYS:
            setting = record.get("setting", Setting.PRIMARY_CARE.value)
            if setting in settings:
                texts.setdefault(setting, {})[record["text"]] = None
    if not texts:
        return None
    from nervemap.nlp import Extraction, extract, extract_many

    read: dict[tuple[str, str], Extraction] = {}
    for setting, distinct in texts.items():
        with contextlib.suppress(ValueError):  # those not read yet are read alone, below
            many = extract_many(distinct, setting=setting, knowledge=compiled.knowledge)
            for text, extraction in zip(distinct, many, strict=False):
                read[text, setting] = extraction

    def read_note(text: str, setting: str) -> Extraction:
        found = read.get((text, setting))
        return found if found is not None else extract(text, setting=setting, knowledge=compiled.knowledge)

    return read_note


def _outcomes(
    parsed: list[Parsed], assess: Callable[[list[Case]], Sequence[T | CaseError]], size: int
) -> Iterator[tuple[Parsed, T | str]]:
    """Each record with its assessment (or headline) or error message, assessed ``ASSESS_CHUNK``
    records at a time: an assessment with its evidence is large, and only one chunk of them is held
    at once."""
    for start in range(0, len(parsed), size):
        chunk = parsed[start : start + size]
        assessed = iter(assess([p.case for p in chunk if p.case is not None]))
        for p in chunk:
            if p.case is None:
                yield p, p.error or "unknown error"
                continue
            outcome = next(assessed)
            yield p, f"invalid case: {outcome}" if isinstance(outcome, CaseError) else outcome


def _assess(cases: list[Case], compiled: CompiledKnowledge) -> list[Assessment | CaseError]:
    """Full assessments of a chunk in one vectorised pass (see :func:`_each_or_error`)."""
    return _each_or_error(cases, compiled, lambda accepted: assess_many(accepted, compiled, detail="full"))


def _headlines(cases: list[Case], compiled: CompiledKnowledge) -> list[CoreCase | CaseError]:
    """The engine's headlines of a chunk in one vectorised pass (see :func:`_each_or_error`)."""
    return _each_or_error(cases, compiled, lambda accepted: headlines(accepted, compiled))


def _each_or_error(
    cases: list[Case], compiled: CompiledKnowledge, run: Callable[[list[Case]], list[T]]
) -> list[T | CaseError]:
    """Run the chunk in one pass; if a case is rejected, find every rejected case by encoding each
    alone, then run the others together."""
    try:
        return list(run(cases))
    except CaseError:
        pass
    rejected: list[CaseError | None] = []
    for case in cases:
        try:
            encode_case(case, compiled)
            rejected.append(None)
        except CaseError as error:
            rejected.append(error)
    accepted = iter(run([c for c, r in zip(cases, rejected, strict=True) if r is None]))
    return [next(accepted) if r is None else r for r in rejected]


def _dumps(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _write_errors(path: Path, errors: list[tuple[Parsed, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for p, message in errors:
            handle.write(_dumps({"id": p.record_id, "record": p.index, "error": message}) + "\n")


def _write_assessments(
    path: Path, outcomes: Iterable[tuple[Parsed, Assessment | str]], errors: list[tuple[Parsed, str]]
) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for p, outcome in outcomes:
            if isinstance(outcome, str):
                errors.append((p, outcome))
                continue
            payload: dict[str, Any] = {"id": p.record_id, **outcome.model_dump(mode="json", by_alias=True)}
            if p.warnings is not None:
                payload["extraction_warnings"] = list(p.warnings)
            handle.write(_dumps(payload) + "\n")


def _write_rows(
    path: Path, outcomes: Iterable[tuple[Parsed, CoreCase | str]], errors: list[tuple[Parsed, str]]
) -> None:
    rows: list[tuple[str | None, CoreCase | str]] = []
    for p, outcome in outcomes:
        if isinstance(outcome, str):
            errors.append((p, outcome))
        rows.append((p.record_id, outcome))
    pq.write_table(flat_table(rows), path)
