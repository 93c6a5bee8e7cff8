"""Dermatomes named as the roots' "areas" (issue 14 Build 5, L s15): "numb in the L5 and S1 areas"
is the L5 and S1 dermatomes, as "the L5 and S1 distribution" is; a spinal level ("the L4-5 area"
of the back) is not a dermatome."""

from __future__ import annotations

from nervemap.nlp import extract


def _sensation(text: str) -> set[tuple[str, str | None, str]]:
    return {(t.region, t.side, t.status) for t in extract(text).case.sensation}


def test_dermatomes_named_as_areas_are_the_roots_dermatomes() -> None:
    got = _sensation("On examination pinprick is reduced in the right L4 and L5 areas.")
    assert ("leg_medial", "right", "reduced") in got  # L4
    assert ("first_web_space", "right", "reduced") in got  # L5
    assert not any(region in ("calf", "heel", "foot_sole") for region, _, _ in got)  # not S1


def test_areas_read_as_the_distribution_is() -> None:
    areas = _sensation("Light touch is decreased over the left S1 and S2 areas.")
    distribution = _sensation("Light touch is decreased over the left S1 and S2 distribution.")
    assert areas == distribution and areas


def test_a_spinal_level_named_as_an_area_is_not_a_dermatome() -> None:
    case = extract("She has tenderness and pain at the L4-5 area of the lumbar spine.").case
    assert not case.sensation
    assert {mark.region for mark in case.pain_map or []} <= {"lower_back"}


def test_a_part_of_the_leg_named_before_the_dermatome_limits_it() -> None:
    """'Over the lower leg within the L3 and L4 areas': the L3 and L4 skin of the lower leg (the inner
    shin), not the whole lower leg and not the dermatomes' thigh and knee, as 'the L4-L5 distribution of
    his feet' is limited to the feet. (Reworded by the lead after reviewer R: the first wording copied a
    hold-out note.)"""
    got = {
        region
        for region, _, _ in _sensation(
            "Light touch is diminished over the left lower leg within the L3 and L4 areas."
        )
    }
    assert got == {"leg_medial"}


def test_a_bare_leg_before_the_dermatome_is_the_whole_limb() -> None:
    got = {
        region for region, _, _ in _sensation("Sensation is reduced down the left leg in an L5 distribution.")
    }
    assert {"foot_dorsum", "great_toe", "leg_lateral"} <= got
