"""Concatenate the finished parts, in input order, into the output and its errors file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from nervemap.batch.formats import FLAT_SCHEMA, BatchError, OutputFormat
from nervemap.batch.workdir import PartDone, WorkFolder, atomic_write


def errors_path(output: Path) -> Path:
    return output.with_name(output.name + ".errors.jsonl")


def finalize(work: WorkFolder, parts: dict[int, PartDone], total: int, output: Path) -> None:
    missing = [n for n in range(total) if n not in parts]
    if missing:
        raise BatchError(f"{len(missing)} partition(s) not finished, first: {missing[0]}")
    versions = {(p.knowledge_version, p.nervemap_version) for p in parts.values()}
    if len(versions) > 1:
        raise BatchError(
            f"parts in '{work.folder}' come from different knowledge / nervemap versions "
            f"{sorted(versions)}: restart the batch"
        )
    numbers = range(total)
    atomic_write(errors_path(output), lambda temp: _concatenate([work.errors_part(n) for n in numbers], temp))
    if work.output is OutputFormat.JSONL:
        atomic_write(output, lambda temp: _concatenate([work.part(n) for n in numbers], temp))
    elif work.output is OutputFormat.PARQUET:
        atomic_write(output, lambda temp: _parquet([work.part(n) for n in numbers], temp))
    else:
        atomic_write(output, lambda temp: _csv([work.part(n) for n in numbers], temp))


def _concatenate(parts: list[Path], target: Path) -> None:
    with open(target, "wb") as sink:
        for part in parts:
            with open(part, "rb") as source:
                shutil.copyfileobj(source, sink, 1 << 20)


def _parquet(parts: list[Path], target: Path) -> None:
    with pq.ParquetWriter(target, FLAT_SCHEMA) as writer:
        for part in parts:
            writer.write_table(pq.read_table(part, schema=FLAT_SCHEMA))


def _csv(parts: list[Path], target: Path) -> None:
    with pacsv.CSVWriter(target, FLAT_SCHEMA) as writer:
        for part in parts:
            writer.write_table(pq.read_table(part, schema=FLAT_SCHEMA))
