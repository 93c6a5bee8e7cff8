"""Two symptoms joined by "and" are both felt at the place named, also when the second has its
article or the first the noun it qualifies ("numbness and a burning feeling over the outer thigh",
"a burning feeling and numbness"), and the pain of a place that names its own pain stays there
("back pain and numbness in the left foot" is no foot pain). Issue 14: the examination as
clinicians write it; meralgia's outer-thigh numbness was lost when a burning feeling came after it.
"""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess
from nervemap.nlp import extract


def _kinds(text: str) -> set[tuple[str, str | None, str]]:
    case = extract(text).case
    return {(m.region, m.side, m.kind.value) for m in case.pain_map or []}


@pytest.mark.parametrize(
    "text",
    [
        "She has numbness and a burning feeling over the outer side of the right thigh.",
        "She has a burning feeling and numbness over the outer side of the right thigh.",
        "She has numbness and some burning over the outer side of the right thigh.",
    ],
)
def test_numbness_and_a_burning_feeling_are_both_read(text: str) -> None:
    kinds = _kinds(text)
    assert ("thigh_lateral", "right", "numbness") in kinds
    assert ("thigh_lateral", "right", "pain") in kinds


def test_pain_and_a_tingling_feeling_are_both_read() -> None:
    assert _kinds("He has pain and a tingling feeling in the left calf.") == {
        ("calf", "left", "pain"),
        ("calf", "left", "tingling"),
    }


@pytest.mark.parametrize("back", ["back pain", "low back pain", "LBP"])
def test_the_pain_of_back_pain_is_not_carried_to_the_foot(back: str) -> None:
    kinds = _kinds(f"She has {back} and numbness in the left foot.")
    assert ("foot_sole", "left", "numbness") in kinds
    assert not any(region.startswith("foot") and kind == "pain" for region, _, kind in kinds)
    assert any(region == "lower_back" and kind == "pain" for region, _, kind in kinds)


def test_a_written_meralgia_picture_names_the_lateral_femoral_cutaneous_nerve() -> None:
    note = (
        "A 50-year-old man has had three months of numbness and a burning feeling over the front and "
        "outer side of his left thigh."
    )
    top = assess(extract(note).case, detail="headline").localization[0]
    assert (top.site_id, top.side) == ("nerve:lateral_femoral_cutaneous", "left")


@pytest.mark.parametrize(
    ("text", "mark"),
    [
        ("He has a tingling sensation in the left big toe.", ("great_toe", "left", "tingling")),
        ("She reports a burning sensation over the outer left thigh.", ("thigh_lateral", "left", "pain")),
        ("Pins and needles sensation in the right big toe.", ("great_toe", "right", "tingling")),
        ("She has a numb feeling in the right heel.", ("heel", "right", "numbness")),
    ],
)
def test_a_symptom_named_with_sensation_or_feeling_is_the_symptom_at_its_place(
    text: str, mark: tuple[str, str, str]
) -> None:
    """'Sensation' after a symptom word names that symptom; it is not an examination of sensation
    (which, with no finding stated, recorded nothing at the place)."""
    case = extract(text).case
    assert mark in {(m.region, m.side, m.kind.value) for m in case.pain_map or []}
    assert not case.sensation


def test_pain_sensation_stays_an_examination_of_pinprick() -> None:
    case = extract("Pain sensation is reduced over the left big toe.").case
    assert {(s.region, s.side, str(s.status)) for s in case.sensation or []} == {
        ("great_toe", "left", "reduced")
    }
    assert not case.pain_map


def test_the_inner_side_of_a_leg_named_with_its_side_between() -> None:
    """'The inner left leg' is the inner (medial) leg, as 'the inner leg' and 'the outer right leg' are."""
    case = extract("Light touch and pinprick are reduced along the inner left leg.").case
    assert ("leg_medial", "left", "reduced") in {
        (s.region, s.side, str(s.status)) for s in case.sensation or []
    }
    assert ("leg_medial", "right", "numbness") in _kinds("Numbness of the inner right leg.")
