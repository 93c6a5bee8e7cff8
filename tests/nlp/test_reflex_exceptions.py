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


@pytest.mark.parametrize(
    "text",
    [
        "Reflexes are normal except the knee jerks, which were not tested because of her knee replacements.",
        "Reflexes are normal except the knee jerks, which could not be tested.",
    ],
)
def test_an_excepted_reflex_that_was_not_examined_is_unknown_not_reduced(text: str) -> None:
    # reviewer R's must-fix of 94f98a7: an untested reflex is neither normal nor abnormal
    found = _reflexes(text)
    assert ("patellar", "left") not in found and ("patellar", "right") not in found
    assert found[("achilles", "left")] == found[("achilles", "right")] == 2


def test_an_excepted_reflex_not_elicited_stays_absent() -> None:
    assert (
        _reflexes("Reflexes are normal except the left ankle jerk, which could not be elicited.")[
            ("achilles", "left")
        ]
        == 0
    )


@pytest.mark.parametrize(("side", "other"), [("left", "right"), ("right", "left")])
def test_the_side_of_a_later_grade_word_takes_only_that_side(side: str, other: str) -> None:
    found = _reflexes(f"Reflexes were symmetric apart from the knee jerks, which were reduced on the {side}.")
    assert found[("patellar", side)] == 1
    assert found[("patellar", other)] == 2


def test_two_exceptions_on_different_sides_keep_their_own_sides() -> None:
    # reviewer R's must-fix 4 of 94f98a7: two sided exceptions made both deficits bilateral
    found = _reflexes(
        "Reflexes are normal except the left ankle jerk, which is absent, "
        "and the right knee jerk, which is reduced."
    )
    assert found == {
        ("achilles", "left"): 0,
        ("achilles", "right"): 2,
        ("patellar", "right"): 1,
        ("patellar", "left"): 2,
    }
