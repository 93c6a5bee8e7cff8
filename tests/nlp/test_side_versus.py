"""'Left versus right' (issue 14 item 5, H1): the first side named is the one the finding is on. The
side reader took the first side word of "left versus right" as right."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The knee jerk is decreased left versus right.", ("patellar", "left", 1)),
        ("The knee jerk is decreased right versus left.", ("patellar", "right", 1)),
        ("Decreased left vs right knee jerk.", ("patellar", "left", 1)),
        ("She has slightly decreased right versus left ankle reflexes.", ("achilles", "right", 1)),
    ],
)
def test_the_first_side_of_a_comparison_is_the_side_graded(text: str, expected: tuple[str, str, int]) -> None:
    assert {(r.reflex, r.side, r.grade) for r in extract(text).case.reflexes} == {expected}
