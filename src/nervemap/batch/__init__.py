"""Batch assessment at scale: files of cases or notes, in resumable partitions, on local
processes or a Dask cluster.

>>> from nervemap.batch import run_batch
>>> result = run_batch("notes.jsonl", "assessments.parquet")  # doctest: +SKIP
"""

from nervemap.batch.formats import FLAT_COLUMNS, BatchError
from nervemap.batch.run import DEFAULT_PARTITION_SIZE, BatchProgress, BatchResult, run_batch

__all__ = [
    "DEFAULT_PARTITION_SIZE",
    "FLAT_COLUMNS",
    "BatchError",
    "BatchProgress",
    "BatchResult",
    "run_batch",
]
