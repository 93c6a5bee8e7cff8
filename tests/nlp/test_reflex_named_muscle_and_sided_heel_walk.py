"""A muscle named inside a reflex's name, and heel or toe walking with the side before the part
(issue 14, Build 5: the examination as clinicians write it).

Before: "the right medial hamstring reflex is absent" was also read as knee flexion 0/5 on the right
(the hamstrings named inside the reflex's name), a paralysis the note never states, which made the
severity severe; and "difficulty walking on the left heel" was read as a limited walking distance,
not as difficulty heel-walking on the left (weak ankle dorsiflexion).
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def test_a_reflex_named_after_a_muscle_grades_the_reflex_only() -> None:
    case = extract("The right medial hamstring reflex is absent.").case
    assert [(r.reflex, r.side, r.grade) for r in case.reflexes] == [("medial_hamstring", "right", 0)]
    assert case.strength == []


def test_the_muscle_itself_is_still_graded() -> None:
    case = extract("The right hamstrings are 4/5.").case
    assert [(s.movement, s.side, s.grade) for s in case.strength] == [("knee_flexion", "right", 4)]


@pytest.mark.parametrize(
    ("text", "finding", "side"),
    [
        ("Difficulty walking on the left heel.", "heel_walking_difficulty", "left"),
        ("She has trouble walking on her right heel.", "heel_walking_difficulty", "right"),
        ("Difficulty walking on the right toes.", "toe_walking_difficulty", "right"),
    ],
)
def test_heel_or_toe_walking_with_the_side_before_the_part(text: str, finding: str, side: str) -> None:
    findings = {(f.id, f.side, f.status) for f in extract(text).case.findings}
    assert (finding, side, "present") in findings
    assert not any(f == "limited_walking_distance" for f, _, _ in findings)


def test_bare_grades_after_each_muscle_in_a_power_list() -> None:
    # "Power: ... ankle DF 3, EHL 2": the grades written without "/5" (was: nothing read)
    case = extract("Power: L hip flexion 5, knee extension 5, ankle DF 3, EHL 2, PF 5.").case
    graded = {(s.movement, s.side, s.grade) for s in case.strength}
    assert ("ankle_dorsiflexion", "left", 3) in graded
    assert ("great_toe_extension", "left", 2) in graded
    assert ("ankle_plantarflexion", "left", 5) in graded


def test_a_number_after_a_movement_outside_a_strength_sentence_is_no_grade() -> None:
    assert extract("Hip flexion 3 times a day was advised.").case.strength == []
