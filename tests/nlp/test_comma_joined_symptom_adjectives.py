"""Two symptom adjectives joined by a comma qualify one place (issue 14, meralgia's wording).

"A numb, burning patch on the outer thigh" is numbness there as well as burning pain: the
numbness over the anterolateral thigh is what points to the lateral femoral cutaneous nerve
(meralgia paresthetica), and reading only the nearer word ("burning") lost it. A noun before a
comma is an item of a list, not a quality of the next place: "back pain, numbness in the right
foot" keeps the pain in the back.
"""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess
from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _kinds(text: str, region: str) -> set[str]:
    case = extract(text).case
    return {m.kind.value for m in case.pain_map or [] if m.region == region}


@pytest.mark.parametrize(
    "text",
    [
        "She describes a numb, burning patch on the outside of her left thigh.",
        "A burning, numb area over the outer left thigh.",
        "He has a painful, numb patch on the outer right thigh.",
    ],
)
def test_a_numb_and_a_painful_word_joined_by_a_comma_are_both_felt_there(text: str) -> None:
    assert _kinds(text, "thigh_lateral") == {"pain", "numbness"}


@pytest.mark.parametrize(
    "text",
    ["Back pain, numbness in the right foot.", "Sciatica, numbness in the right foot."],
)
def test_a_noun_before_the_comma_is_a_list_item_not_a_quality_of_the_place(text: str) -> None:
    assert _kinds(text, "foot_sole") == {"numbness"}


def test_the_textbook_meralgia_note_names_the_lateral_femoral_cutaneous_nerve() -> None:
    text = (
        "A 45-year-old woman describes a numb, burning patch on the front and outside of her left thigh "
        "since her pregnancy. Strength and knee jerk are normal."
    )
    assessment = assess(extract(text).case, detail="headline")
    top = assessment.localization[0]
    assert (top.nerve, top.side) == ("lateral_femoral_cutaneous", "left")
    assert assessment.differential[0].id == "meralgia_paresthetica"


@pytest.mark.parametrize(
    "text",
    [
        "Numbness and burning over the anterolateral aspect of the right thigh.",
        "Pain in the anterolateral part of her left thigh.",
    ],
)
def test_the_anterolateral_aspect_of_the_thigh_is_that_aspect_not_the_whole_thigh(text: str) -> None:
    """Meralgia's territory written as an aspect of the thigh: the lateral (anterolateral) thigh
    region only, not the four thigh regions of a thigh named without its aspect."""
    case = extract(text).case
    assert {m.region for m in case.pain_map or []} == {"thigh_lateral"}
