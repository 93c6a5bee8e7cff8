"""A reflex named as the exception to 'reflexes are normal' keeps its own grade (issue 14, L s10)."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _reflexes(text: str) -> dict[tuple[str, str | None], int]:
    return {(r.reflex, r.side): r.grade for r in extract(text).case.reflexes}


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("Reflexes are normal except the left ankle jerk, which is absent.", 0),
        ("Reflexes are normal except for an absent left ankle jerk.", 0),
        ("Deep tendon reflexes are 2+ except the left Achilles, which is absent.", 0),
        # the exception without a grade of its own: abnormal, read as reduced
        ("All reflexes are normal except the left ankle jerk.", 1),
    ],
)
def test_the_excepted_reflex_is_not_normal(text: str, grade: int) -> None:
    found = _reflexes(text)
    assert found[("achilles", "left")] == grade
    assert found[("achilles", "right")] == 2
    assert found[("patellar", "left")] == found[("patellar", "right")] == 2


def test_the_side_of_the_exception_is_not_the_statements_side() -> None:
    found = _reflexes("Reflexes were normal apart from a reduced right knee jerk.")
    assert found == {
        ("patellar", "right"): 1,
        ("patellar", "left"): 2,
        ("achilles", "left"): 2,
        ("achilles", "right"): 2,
    }


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Tinel sign is positive behind the inner ankle on the right.", "right"),
        ("Tinel sign is positive behind her left inner ankle bone.", "left"),
    ],
)
def test_tinel_behind_the_inner_ankle_is_at_the_tarsal_tunnel(text: str, side: str) -> None:
    found = {(f.id, f.side) for f in extract(text).case.findings if f.status == "present"}
    assert ("tinel_tarsal_tunnel", side) in found
