"""A weakness that spreads, or is told as events in order, is a progressive weakness (E s13, item 4's class).

A spinal epidural abscess runs a staged course (spinal pain, root pain, weakness, paralysis: Davis 2004)
that notes tell as a sequence - one part of the leg weak first, more of it after - rather than with the
word "progressive"; read as a plain weakness, the emergency rule for a worsening deficit with a risk of
spinal infection could not fire.
"""

from __future__ import annotations

import pytest

from tests.nlp.reading import statuses, triage_of


@pytest.mark.parametrize(
    "text",
    [
        "The weakness started in the left foot and has spread up to the thigh.",
        "At first only the right foot was weak, but now the whole leg gives way.",
        "Initially the left foot was weak; then the knee became weak too.",
        "In the beginning he was dragging the right foot, and since yesterday he cannot stand on that leg.",
    ],
)
def test_a_weakness_that_spreads_is_progressive(text: str) -> None:
    found = statuses(text)
    assert found.get("progressive_weakness") == "present"
    assert found.get("subjective_leg_weakness") == "present"


@pytest.mark.parametrize(
    "text",
    [
        "At first the pain was in the back, then it went down the leg.",  # pain, not weakness
        "Her weakness spread slowly to both legs over the past two years.",  # over years: not this
        "The left foot has been weak for a year.",  # a state, not a course
        # where the pain is felt, not a course: the spread word belongs to the pain
        "Weakness and aching in the right buttock spreading into the back of the thigh for two years.",
    ],
)
def test_no_progression_without_a_weakness_getting_worse(text: str) -> None:
    assert statuses(text).get("progressive_weakness") != "present"


def test_a_spreading_weakness_with_back_pain_and_a_risk_of_infection_is_an_emergency() -> None:
    text = (
        "A 60-year-old diabetic man with back pain: at first only the right foot was weak, "
        "but now the whole leg gives way."
    )
    assert triage_of(text) == "emergency"
