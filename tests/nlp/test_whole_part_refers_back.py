"""A part of the leg named without its aspect, after an aspect of it was named, is that pain."""

from __future__ import annotations

from nervemap.nlp import extract


def _pain(text: str) -> set[tuple[str, str | None, str]]:
    return {(p.region, p.side, p.kind.value) for p in extract(text).case.pain_map or []}


def test_the_thigh_pain_after_its_front_and_outer_side_were_named_is_that_pain() -> None:
    text = (
        "She has pain in the front and outer side of the left thigh. The femoral stretch test "
        "brings on the left thigh pain."
    )
    assert _pain(text) == {("thigh_anterior", "left", "pain"), ("thigh_lateral", "left", "pain")}


def test_a_thigh_named_alone_stays_the_whole_thigh() -> None:
    pain = _pain("He has pain in the left thigh.")
    assert {region for region, _, _ in pain} == {
        "thigh_anterior",
        "thigh_lateral",
        "thigh_medial",
        "thigh_posterior",
    }


def test_an_aspect_on_the_other_side_does_not_narrow_the_thigh() -> None:
    pain = _pain("Pain in the back of the right thigh. Later the left thigh also hurts.")
    assert ("thigh_anterior", "left", "pain") in pain
    assert ("thigh_posterior", "right", "pain") in pain


def test_numbness_of_the_thigh_is_not_narrowed_by_a_painful_aspect() -> None:
    pain = _pain("Pain in the back of the left thigh. Numbness in the left thigh.")
    assert ("thigh_anterior", "left", "numbness") in pain


def test_pain_in_a_named_leg_is_pain_somewhere_in_that_leg() -> None:
    pain = _pain("An 80-year-old man has had pain in his right leg for half a year.")
    assert ("calf", "right", "pain") in pain and ("thigh_anterior", "right", "pain") in pain
    assert all(side == "right" for _, side, _ in pain)


def test_a_leg_raise_or_a_sensory_statement_about_the_leg_is_not_leg_pain() -> None:
    assert _pain("Straight leg raise on the left reproduces pain.") == set()
    assert _pain("Sensation is reduced in the right leg.") == set()


def test_the_foot_named_whole_is_kept_beside_an_aspect_of_the_lower_leg() -> None:
    pain = _pain("Pain in both feet and over the front of both lower legs.")
    assert ("foot_sole", "left", "pain") in pain
