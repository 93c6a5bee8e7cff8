"""The input file, read as a stream of partitions in input order (records numbered from 0).

JSON Lines partitions carry the raw lines (parsed in the workers); Parquet partitions carry Arrow
slices (turned into records in the workers). Blank lines are not records.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from nervemap.batch.formats import BatchError, InputFormat, input_format


@dataclass(frozen=True)
class Partition:
    number: int
    first_record: int
    lines: list[str] | None = None
    table: pa.Table | None = None


class Source:
    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise BatchError(f"input '{path}' not found")
        self.path = path
        self.format = input_format(path)

    def fingerprint(self) -> dict[str, object]:
        """What a resumed run must find unchanged."""
        stat = self.path.stat()
        return {
            "input": str(self.path.resolve()),
            "input_bytes": stat.st_size,
            "input_mtime_ns": stat.st_mtime_ns,
        }

    def count(self) -> int:
        if self.format is InputFormat.PARQUET:
            return int(pq.ParquetFile(self.path).metadata.num_rows)
        return sum(1 for _ in self._lines())

    def has_notes(self) -> bool:
        """Whether the first record is a note (decides if workers preload the text pipeline)."""
        if self.format is InputFormat.PARQUET:
            return "text" in pq.ParquetFile(self.path).schema_arrow.names
        for line in self._lines():
            try:
                first = json.loads(line)
            except json.JSONDecodeError:
                return False
            return isinstance(first, dict) and "text" in first
        return False

    def partitions(self, size: int) -> Iterator[Partition]:
        if self.format is InputFormat.PARQUET:
            yield from self._table_partitions(size)
            return
        lines: list[str] = []
        number = 0
        for line in self._lines():
            lines.append(line)
            if len(lines) == size:
                yield Partition(number, number * size, lines=lines)
                number, lines = number + 1, []
        if lines:
            yield Partition(number, number * size, lines=lines)

    def _lines(self) -> Iterator[str]:
        try:
            with open(self.path, encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        yield line
        except UnicodeDecodeError as error:
            raise BatchError(f"input '{self.path}' is not UTF-8 text ({error.reason})") from None

    def _table_partitions(self, size: int) -> Iterator[Partition]:
        pending: list[pa.RecordBatch] = []
        held = 0
        number = 0
        for batch in pq.ParquetFile(self.path).iter_batches(batch_size=size):
            pending.append(batch)
            held += batch.num_rows
            while held >= size:
                table = pa.Table.from_batches(pending)
                yield Partition(number, number * size, table=table.slice(0, size).combine_chunks())
                rest = table.slice(size)
                pending, held, number = rest.to_batches(), rest.num_rows, number + 1
        if held:
            yield Partition(number, number * size, table=pa.Table.from_batches(pending).combine_chunks())
