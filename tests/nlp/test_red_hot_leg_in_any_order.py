"""A red and hot leg told in a list of adjectives in any order, before or after the part, is the red,
hot skin of cellulitis (E s17, review finding 4; emergencies.yaml): with a fast pulse or a low blood
pressure it is the necrotising infection / sepsis emergency (triage.yaml nsti_red_leg_severe) even
without a fever."""

from __future__ import annotations

import pytest

from tests.nlp.reading import red_flags_of, status_of


@pytest.mark.parametrize(
    "text",
    [
        "Red, hot, very painful swollen right calf.",
        "A red, hot and exquisitely tender right leg.",
        "Right thigh red and hot, severe pain.",
        "Right leg: red, hot, swollen.",
    ],
)
def test_a_red_hot_leg_in_a_list_of_adjectives_is_read(text: str) -> None:
    assert status_of(text, "leg_redness_warmth") == "present"


@pytest.mark.parametrize(
    "text",
    [
        "Right calf swollen and tender, not red or hot.",
        "Hot, swollen right knee.",
        "Swollen, painful right calf.",
    ],
)
def test_a_leg_that_is_not_both_red_and_hot_is_not_read(text: str) -> None:
    assert status_of(text, "leg_redness_warmth") != "present"


def test_a_red_hot_painful_leg_with_a_fast_pulse_and_low_pressure_is_an_emergency_without_fever() -> None:
    level, flags = red_flags_of("Pulse 124, BP 86/50. A red, hot and very painful right leg since yesterday.")
    assert "nsti_red_leg_severe" in flags
    assert level == "emergency"
