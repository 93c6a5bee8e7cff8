"""Reading defects found by the third blind hold-out (session 9, H): phrasings clinicians use that the
reader missed. Each test states the general phrasing, never a hold-out case's text."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract

from .reading import present, status_of


def _sides(text: str, finding_id: str) -> set[str | None]:
    return {str(f.side) if f.side else None for f in extract(text).case.findings or [] if f.id == finding_id}


def test_pain_down_the_leg_without_a_verb_of_spreading_is_radiating_leg_pain() -> None:
    text = "She has had low back pain and pain down the right leg for two years."
    assert {"back_pain", "radiating_leg_pain"} <= present(text)
    assert "right" in _sides(text, "radiating_leg_pain")
    assert "radiating_leg_pain" in present("Pain all the way down the back of his left leg.")


def test_pain_down_the_leg_denied_is_absent_and_a_thigh_alone_is_not_the_whole_leg() -> None:
    assert status_of("He has no pain down the leg.", "radiating_leg_pain") == "absent"
    assert "radiating_leg_pain" not in present("He has pain down the back of the left thigh.")


def _strength(text: str) -> set[tuple[str, str | None, int]]:
    return {(s.movement, str(s.side) if s.side else None, s.grade) for s in extract(text).case.strength or []}


def test_no_movement_at_all_is_grade_zero_not_full_power() -> None:
    grades = _strength(
        "Right foot on testing: no inversion, eversion or ankle dorsiflexion; plantar flexion normal."
    )
    assert {
        ("ankle_dorsiflexion", "right", 0),
        ("ankle_eversion", "right", 0),
        ("ankle_inversion", "right", 0),
    } <= grades
    assert ("ankle_plantarflexion", "right", 5) in grades
    # a denied weakness is still full power, and a contracture or deformity is not a grade
    assert ("great_toe_extension", "left", 5) in _strength("No left EHL weakness.")
    assert not _strength("No knee flexion contracture and no hip flexion deformity.")


@pytest.mark.parametrize(
    "text",
    [
        "Left L5 sciatica; no great toe extension or ankle dorsiflexion abnormality.",
        "Power: no ankle dorsiflexion problem on the left.",
        "Right leg pain, no knee extension or hip flexion loss.",
    ],
)
def test_no_movement_followed_by_what_the_no_denies_is_not_paralysis(text: str) -> None:
    # the reviewer's must-fix of f54940c: a normal examination must not read as grade 0
    assert all(grade != 0 for _, _, grade in _strength(text))


def test_a_foot_dropped_with_an_adverb_and_weakness_lifting_the_foot_are_a_reported_foot_drop() -> None:
    assert "foot_drop_reported" in present("Since Tuesday his left foot has suddenly dropped.")
    assert "foot_drop_reported" in present("Three months of weakness lifting the right foot.")
    assert status_of("He has no difficulty lifting the foot.", "foot_drop_reported") == "absent"


def test_a_graded_calf_is_its_plantar_flexors_and_takes_its_own_grade() -> None:
    grades = _strength("Right tibialis anterior 4/5, hip abductors 3/5, calf 4/5.")
    assert ("ankle_plantarflexion", "right", 4) in grades
    assert ("hip_abduction", "right", 3) in grades and ("hip_abduction", "right", 4) not in grades
    # a calf pain score is not a strength grade
    assert not any(g[0] == "ankle_plantarflexion" for g in _strength("Calf pain 3/10 and EHL 4/5."))
