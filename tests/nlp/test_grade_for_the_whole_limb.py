"""A grade followed at once by the words for every leg muscle grades the whole limb (issue 14 Build 5,
L s16): "5/5 throughout except left EHL 4/5" read the 5/5 as the EHL's (the name after it) and lost full
power everywhere else; "power 5/5 in all groups" read nothing. The muscle named as the exception keeps
its own grade, and the side of the statement is only one its own clause gives."""

from __future__ import annotations

from nervemap.nlp import extract


def _strength(text: str) -> dict[tuple[str, str | None], int]:
    return {(s.movement, s.side): s.grade for s in extract(text).case.strength}


def test_full_power_throughout_with_one_muscle_excepted() -> None:
    got = _strength("Power 5/5 throughout except left EHL 4/5.")
    assert got[("great_toe_extension", "left")] == 4
    assert got[("ankle_dorsiflexion", "left")] == 5
    assert got[("great_toe_extension", "right")] == 5
    assert got[("hip_abduction", "left")] == 5


def test_full_power_in_all_groups() -> None:
    got = _strength("Tone normal, power 5/5 in all groups, reflexes 2+ and symmetrical.")
    assert got[("knee_extension", "left")] == 5 and got[("knee_extension", "right")] == 5


def test_the_side_of_a_weak_muscle_in_another_clause_is_not_the_whole_limbs() -> None:
    got = _strength("Right EHL 4/5, otherwise 5/5 throughout.")
    assert got[("great_toe_extension", "right")] == 4
    assert got[("great_toe_extension", "left")] == 5
    assert got[("ankle_plantarflexion", "right")] == 5


def test_a_side_stated_for_the_whole_limb_is_kept() -> None:
    got = _strength("Left leg: 5/5 throughout.")
    assert got[("knee_extension", "left")] == 5
    assert ("knee_extension", "right") not in got


def test_every_muscle_of_a_listed_exception_keeps_the_exceptions_grade() -> None:
    """Reviewer R's SHOULD-FIX on 40cbb78: "which are 4/5" after a list of two muscles grades both."""
    got = _strength("Power 5/5 throughout except for left ankle dorsiflexion and EHL which are 4/5.")
    assert got[("ankle_dorsiflexion", "left")] == 4
    assert got[("great_toe_extension", "left")] == 4
    assert got[("ankle_dorsiflexion", "right")] == 5
