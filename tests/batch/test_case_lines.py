"""A structured JSON Lines record read straight into a Case (records.parse_case_line, pydantic's JSON
parser) is the Case the general reader makes (json.loads, then read_record); every other record -
a note, an integer, empty or missing id, an unreadable case, a line that is not an object - is left
to the general reader and its messages (issue 16)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nervemap.batch.records import Parsed, parse_case_line, parse_line, read_record
from tests.engine.datasets import all_cases

from .conftest import BAD


def general(index: int, line: str) -> Parsed:
    record = parse_line(index, line)
    return record if isinstance(record, Parsed) else read_record(index, record)


def test_structured_cases_read_as_by_the_general_reader() -> None:
    cases = all_cases()
    for i, case in enumerate(cases):
        record = case.model_dump(mode="json", exclude_none=True)
        line = json.dumps({**record, "id": f"case-{i}"})
        fast = parse_case_line(i, line)
        assert fast is not None
        assert fast == general(i, line)
        # the same record with its fields in another order and every optional null written out
        dumped = dict(reversed(case.model_dump(mode="json").items()))
        again = json.dumps({**dumped, "id": f"case-{i}"})
        assert parse_case_line(i, again) == general(i, again)


@pytest.mark.parametrize("record", [bad for bad, _ in BAD.values()])
def test_the_batch_tests_bad_records_read_as_by_the_general_reader(record: dict[str, Any]) -> None:
    """(an unknown finding is a Case until the engine refuses it: both readers make that Case)"""
    line = json.dumps(record)
    fast = parse_case_line(0, line)
    assert fast is None or fast == general(0, line)


@pytest.mark.parametrize(
    "record",
    [
        {"id": 17, "age": 40},
        {"id": "", "age": 40},
        {"age": 40},
        {"id": "x" * 201, "age": 40},
        {"id": "too-old", "age": 500},
        {"id": "note", "text": "LBP radiating to the left foot"},
        {"id": "extra", "age": 40, "unknown": 1},
        [1, 2],
        "just a string",
    ],
)
def test_other_records_are_left_to_the_general_reader(record: Any) -> None:
    assert parse_case_line(0, json.dumps(record)) is None


def test_a_line_that_is_not_json_is_left_to_the_general_reader() -> None:
    assert parse_case_line(0, '{"id": "a", "age": ') is None
    assert general(0, '{"id": "a", "age": ').error is not None
