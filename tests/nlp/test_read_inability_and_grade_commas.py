"""Reading the examination as notes write it (issue 14, item 5): an inability to do a standing test,
and a grade closed by a comma.

- "He could not walk on his heels", "She was not able to heel walk": the inability is the finding
  (heel walking tests ankle dorsiflexion, toe walking and the single-leg heel raise plantar flexion);
  "could not" / "not able to" read as a denial turned them into normal strength.
- "unable to perform a single-leg heel raise", "could not complete a single-leg sit-to-stand" (the
  sit-to-stand test of the quadriceps, Suri 2010/2011): weakness of that movement.
- "Knee jerks 2+ and symmetric, left ankle jerk trace", "Hip flexors & extensors 4-/4-, Hip abductors
  3+/3+": a grade before a comma belongs to the names before it, not to the next name.
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import sided_findings_of


def _strength(text: str) -> set[tuple[str, str | None, int]]:
    return {(s.movement, s.side, s.grade) for s in extract(text).case.strength}


def _reflexes(text: str) -> set[tuple[str, str | None, int]]:
    return {(r.reflex, r.side, r.grade) for r in extract(text).case.reflexes}


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("He could not walk on his heels on the left.", ("heel_walking_difficulty", "present", "left")),
        ("He could not stand on his toes on the right.", ("toe_walking_difficulty", "present", "right")),
        ("She was not able to heel walk on the left.", ("heel_walking_difficulty", "present", "left")),
        ("He could not heel walk on the left.", ("heel_walking_difficulty", "present", "left")),
    ],
)
def test_an_inability_to_heel_or_toe_walk_is_present(text: str, finding: tuple[str, str, str]) -> None:
    assert finding in sided_findings_of(text)
    assert not any(grade == 5 for _, _, grade in _strength(text))


@pytest.mark.parametrize(
    ("text", "weak"),
    [
        ("She was not able to heel walk on the left.", ("ankle_dorsiflexion", "left", 4)),
        ("Unable to perform a single-leg heel raise on the right.", ("ankle_plantarflexion", "right", 4)),
        ("He cannot do single-leg calf raises on the left.", ("ankle_plantarflexion", "left", 4)),
        (
            "She could not complete a single-leg heel raise on the right.",
            ("ankle_plantarflexion", "right", 4),
        ),
        ("She could not complete a single leg sit-to-stand on the left.", ("knee_extension", "left", 4)),
    ],
)
def test_an_inability_to_do_a_standing_test_is_weakness(text: str, weak: tuple[str, str, int]) -> None:
    assert _strength(text) == {weak}


def test_a_graded_heel_raise_keeps_its_grade() -> None:
    assert _strength("Heel raise 5/5 bilaterally.") == {
        ("ankle_plantarflexion", "left", 5),
        ("ankle_plantarflexion", "right", 5),
    }


def test_a_grade_before_a_comma_is_not_the_next_reflex() -> None:
    assert _reflexes("Knee jerks 2+ and symmetric, left ankle jerk trace.") == {
        ("patellar", "left", 2),
        ("patellar", "right", 2),
        ("achilles", "left", 1),
    }


def test_a_grade_before_a_comma_is_not_the_next_muscle() -> None:
    got = _strength("Lower extremity strength: Hip flexors & extensors 4-/4-, Hip abductors 3+/3+.")
    assert {g for m, _, g in got if m == "hip_abduction"} == {3}
    assert ("hip_flexion", "right", 4) in got and ("hip_flexion", "left", 4) in got


def test_a_grade_then_a_name_still_grades_that_name() -> None:
    assert _reflexes("Absent left ankle reflex, reduced left knee jerk.") == {
        ("achilles", "left", 0),
        ("patellar", "left", 1),
    }
