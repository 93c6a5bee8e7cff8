"""Flat output rows come from the engine's headline without building the Assessment; they hold
exactly what the full assessment's flat row holds, on every golden, development and root-level case."""

from __future__ import annotations

from nervemap.batch.formats import flat_row, headline_row
from nervemap.engine.assess import assess_many, headlines
from tests.engine.datasets import all_cases


def test_headline_rows_equal_the_full_assessments_rows() -> None:
    cases = all_cases()
    full = assess_many(cases, detail="full")
    for i, (core, assessment) in enumerate(zip(headlines(cases), full, strict=True)):
        assert headline_row(f"r{i}", core) == flat_row(f"r{i}", assessment)
