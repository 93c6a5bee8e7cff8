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
