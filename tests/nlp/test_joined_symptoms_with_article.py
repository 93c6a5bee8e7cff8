"""Two symptoms joined by "and" are both felt at the place named, also when the second has its
article or the first the noun it qualifies ("paraesthesia and an aching feeling", "an aching
feeling and paraesthesia"), and the pain of a place that names its own pain stays there ("back
pain and numbness in the left foot" is no foot pain). Issue 14: the examination as clinicians write
it; the class was seen in a hold-out note (outer-thigh numbness lost when a burning feeling came
after it), so the notes here are our own words.
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
        "The patient reports paraesthesia and an aching feeling along the lateral aspect of the left thigh.",
        "He notes an aching feeling and paraesthesia on the lateral aspect of the left thigh.",
        "He notes paraesthesia and some soreness on the lateral aspect of the left thigh.",
    ],
)
def test_two_symptoms_joined_with_an_article_or_feeling_are_both_read(text: str) -> None:
    kinds = _kinds(text)
    assert ("thigh_lateral", "left", "tingling") in kinds
    assert ("thigh_lateral", "left", "pain") in kinds


def test_soreness_and_a_prickling_feeling_are_both_read() -> None:
    assert _kinds("He has soreness and a prickling feeling in the left calf.") == {
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
        "For three months a 38-year-old lorry driver has had tingling and a burning feeling on the "
        "lateral aspect of his left thigh; his strength and reflexes are normal."
    )
    top = assess(extract(note).case, detail="headline").localization[0]
    assert (top.site_id, top.side) == ("nerve:lateral_femoral_cutaneous", "left")


@pytest.mark.parametrize(
    ("text", "mark"),
    [
        ("He has a tingling sensation in the left big toe.", ("great_toe", "left", "tingling")),
        (
            "He describes an aching sensation across the front of the right shin.",
            ("leg_anterior", "right", "pain"),
        ),
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
    case = extract("Pinprick is diminished on the inner right leg.").case
    assert ("leg_medial", "right", "reduced") in {
        (s.region, s.side, str(s.status)) for s in case.sensation or []
    }
    assert ("leg_medial", "left", "tingling") in _kinds("Tingling of the inner left leg.")
