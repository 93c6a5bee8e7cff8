"""Reading of the examination (issue 14, L s17; review of session 16): the right/left slash notation
of reflex grades in shorthand, a list number after a grade, a grade word in a relative clause, a list of
muscles that carry their own sides, and a sensory place that names its own side."""

from __future__ import annotations

from nervemap.nlp import extract


def _reflexes(text: str) -> dict[tuple[str, str | None], int]:
    return {(r.reflex, r.side): r.grade for r in extract(text).case.reflexes}


def _strength(text: str) -> dict[tuple[str, str | None], int]:
    return {(s.movement, s.side): s.grade for s in extract(text).case.strength}


def test_shorthand_reflex_names_graded_right_then_left() -> None:
    # "KJ" and "AJ" for the knee and ankle jerks; "0/2+" is right 0, left 2+
    assert _reflexes("Reflexes: KJs 2/2, AJs 2+/0.") == {
        ("patellar", "right"): 2,
        ("patellar", "left"): 2,
        ("achilles", "right"): 2,
        ("achilles", "left"): 0,
    }
    found = _reflexes("On examination KJ 1/2+ and AJ 2+/2+.")
    assert found[("patellar", "right")] == 1
    assert found[("patellar", "left")] == 2


def test_a_lower_case_unit_is_no_reflex() -> None:
    # "kJ" is a unit of energy, not a knee jerk
    assert not _reflexes("She eats about 8000 kJ a day and her reflexes were not tested.")


def test_a_list_number_after_a_grade_is_not_a_grade() -> None:
    found = _reflexes("1. SLR negative 2. Ankle jerks 1+ 3. Knee jerks brisk")
    assert found[("achilles", "left")] == found[("achilles", "right")] == 1
    found = _reflexes("Ankle jerks 2+ 3. Knee jerks absent")
    assert found[("achilles", "left")] == found[("achilles", "right")] == 2
    assert found[("patellar", "left")] == found[("patellar", "right")] == 0


def test_a_grade_that_ends_its_sentence_is_still_a_grade() -> None:
    found = _reflexes("Ankle jerks 0. Knee jerks 2+.")
    assert found[("achilles", "left")] == found[("achilles", "right")] == 0


def test_a_grade_word_in_a_relative_clause_grades_its_own_name_and_side() -> None:
    found = _reflexes("The ankle jerks, which were absent on the right, and the knee jerks 2+.")
    assert found[("achilles", "right")] == 0
    assert ("achilles", "left") not in found  # not said
    assert found[("patellar", "left")] == found[("patellar", "right")] == 2


def test_an_exception_list_keeps_each_muscles_own_side() -> None:
    found = _strength("Strength 5/5 except left EHL and right ankle plantarflexion 4/5.")
    assert found[("great_toe_extension", "left")] == 4
    assert found[("ankle_plantarflexion", "right")] == 4
    assert found[("great_toe_extension", "right")] == 5
    assert found[("ankle_plantarflexion", "left")] == 5
    assert found[("hip_flexion", "left")] == found[("hip_flexion", "right")] == 5


def test_shorthand_sides_in_a_list_sharing_one_grade() -> None:
    found = _strength("Power is 5/5 apart from R TA and L EHL, both 4/5.")
    assert found[("ankle_dorsiflexion", "right")] == 4
    assert found[("great_toe_extension", "left")] == 4
    assert found[("ankle_dorsiflexion", "left")] == 5


def test_a_list_with_one_side_keeps_it_for_every_name() -> None:
    found = _strength("Left ankle dorsiflexion and EHL 4/5.")
    assert found == {("ankle_dorsiflexion", "left"): 4, ("great_toe_extension", "left"): 4}


def test_a_sensory_place_that_names_its_side_is_on_that_side_only() -> None:
    case = extract("Sensation intact on the left, reduced over the lateral aspect of the right calf.").case
    reduced = {(s.region, s.side) for s in case.sensation if s.status == "reduced"}
    assert reduced == {("leg_lateral", "right")}


def test_both_after_a_list_of_names_is_the_names_not_the_sides() -> None:
    found = _strength("Right hip flexion and right knee extension are both 3/5.")
    assert found == {("hip_flexion", "right"): 3, ("knee_extension", "right"): 3}


def test_a_minus_sign_before_a_reflex_grade_is_its_notation() -> None:
    found = _reflexes("There is a 2+ left ankle reflex and -1 on the right.")
    assert found == {("achilles", "left"): 2, ("achilles", "right"): 1}


def test_a_range_is_not_a_minus_sign() -> None:
    # "1-2" is a range, not a 1 followed by a "-2"
    found = _reflexes("Knee jerks 2+, ankle jerks 1-2 bilaterally.")
    assert not any(reflex == "achilles" for reflex, _ in found)


def test_each_reflex_of_a_list_keeps_its_own_side_words() -> None:
    found = _reflexes("Reflexes: knees 2+ bilaterally, ankles absent on the right.")
    assert found == {("patellar", "left"): 2, ("patellar", "right"): 2, ("achilles", "right"): 0}


def test_strength_of_the_legs_as_a_whole_is_read() -> None:
    # lead s17 probes: "power in the legs is 0/5", "leg power 4/5 on the right" were unread
    legs = _strength("Power in his legs is 1/5.")
    assert legs[("hip_flexion", "left")] == legs[("ankle_dorsiflexion", "right")] == 1
    for side, other in (("left", "right"), ("right", "left")):
        found = _strength(f"Leg strength 3/5 on the {side}, {other} normal.")
        assert found[("knee_extension", side)] == 3
        assert found.get(("knee_extension", other), 5) == 5


def test_two_whole_limb_grades_each_take_their_own_side() -> None:
    found = _strength("Strength in the lower extremities is 3/5 on the right and 5/5 on the left.")
    assert found[("hip_flexion", "right")] == 3
    assert found[("hip_flexion", "left")] == 5


def test_reflexes_said_of_the_legs_are_graded() -> None:
    found = _reflexes("The deep tendon reflexes in the legs are absent.")
    assert found == {
        ("patellar", "left"): 0,
        ("patellar", "right"): 0,
        ("achilles", "left"): 0,
        ("achilles", "right"): 0,
    }
    assert not _reflexes("The reflexes in the arms are brisk.")


def test_both_of_which_is_not_both_legs() -> None:
    marks = {
        (m.region, m.side)
        for m in extract("Numbness of the right calf and foot, both of which are cold.").case.pain_map or []
    }
    assert ("calf", "right") in marks
    assert not any(side == "left" for _, side in marks)


def test_a_grade_word_before_the_reflexes_it_grades_after_a_heading() -> None:
    # "Reflexes:" is the heading; the grade word grades the reflexes named after it, each on its own side
    found = _reflexes("Reflexes: absent right knee and left ankle jerks.")
    assert found == {("patellar", "right"): 0, ("achilles", "left"): 0}
    assert _reflexes("Reflexes: reduced left ankle jerk.") == {("achilles", "left"): 1}


BOTH_LEGS_WEAK = "bilateral_leg_weakness"


def _present(text: str) -> set[str]:
    return {f.id for f in extract(text).case.findings if f.status.value == "present"}


def test_a_grade_out_of_four_beside_a_muscle_is_a_reflex_grade() -> None:
    text = "Medial hamstring reflexes 1+/4 in both hamstrings."
    assert not _strength(text)
    assert _reflexes(text)[("medial_hamstring", "left")] == 1


def test_grades_of_both_whole_legs_are_weakness_of_both_legs() -> None:
    assert BOTH_LEGS_WEAK in _present("Motor: power 3/5 in all groups bilaterally.")
    assert BOTH_LEGS_WEAK in _present("Power 4/5 throughout both lower extremities.")
    assert BOTH_LEGS_WEAK in _present("Ankle dorsiflexion 2/5 on the right and 3/5 on the left.")


def test_mild_or_one_sided_weakness_is_not_weakness_of_both_legs() -> None:
    # a muscle graded 4 ("some resistance") in each leg is not read as the red flag
    assert BOTH_LEGS_WEAK not in _present("Hip flexion 4/5 bilaterally, otherwise 5/5 throughout.")
    assert BOTH_LEGS_WEAK not in _present("Right EHL 2/5, left EHL 5/5.")
    assert BOTH_LEGS_WEAK not in _present("Power 5/5 throughout.")


def test_weakness_of_both_legs_is_symmetric() -> None:
    for first, second in (("left", "right"), ("right", "left")):
        text = f"Knee extension 3/5 on the {first}; ankle plantarflexion 2/5 on the {second}."
        assert BOTH_LEGS_WEAK in _present(text)
