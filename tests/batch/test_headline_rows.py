"""Flat output rows come from the engine's headline without building the Assessment; they hold
exactly what the full assessment's flat row holds, on every golden, development and root-level case."""

from __future__ import annotations

import pyarrow as pa

from nervemap.batch.formats import FLAT_SCHEMA, error_row, flat_row, flat_table, headline_row
from nervemap.engine.assess import assess_many, headlines
from nervemap.engine.core import CoreCase
from tests.engine.datasets import all_cases


def test_headline_rows_equal_the_full_assessments_rows() -> None:
    cases = all_cases()
    full = assess_many(cases, detail="full")
    for i, (core, assessment) in enumerate(zip(headlines(cases), full, strict=True)):
        assert headline_row(f"r{i}", core) == flat_row(f"r{i}", assessment)


def test_the_flat_table_holds_the_headline_and_error_rows() -> None:
    """The partition's table is built from columns: the same values as one row dict per record."""
    cases = all_cases()
    outcomes: list[tuple[str | None, CoreCase | str]] = [
        (f"r{i}", core) for i, core in enumerate(headlines(cases))
    ]
    outcomes.insert(3, ("bad", "invalid case: age: Input should be less than or equal to 120"))
    outcomes.insert(10, (None, "record has no id"))
    rows = [
        error_row(record_id, outcome) if isinstance(outcome, str) else headline_row(record_id, outcome)
        for record_id, outcome in outcomes
    ]
    assert flat_table(outcomes).equals(pa.Table.from_pylist(rows, schema=FLAT_SCHEMA))
    assert flat_table([]).equals(pa.Table.from_pylist([], schema=FLAT_SCHEMA))
