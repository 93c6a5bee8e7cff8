"""A new altered mental state is a systemic illness (NICE NG51 high-risk sepsis criterion; qSOFA's
altered mentation): with fever and a red, hot leg it is the necrotising infection emergency (E s17,
review finding 4)."""

from __future__ import annotations

import pytest

from tests.nlp.reading import red_flags_of, status_of


@pytest.mark.parametrize(
    "text",
    [
        "Temperature 38.7 and newly confused.",
        "She has become acutely disorientated overnight.",
        "Altered mental status on arrival.",
    ],
)
def test_a_new_confusion_is_read_as_systemic_illness(text: str) -> None:
    assert status_of(text, "systemically_unwell") == "present"


def test_a_confusion_at_baseline_is_not_read_as_new_illness() -> None:
    assert status_of("Known dementia, confused at baseline.", "systemically_unwell") != "present"


def test_a_denied_new_confusion_is_not_read_as_systemic_illness() -> None:
    # reviewer R s17 on d657389
    assert (
        status_of("Fever 38.6, red, hot, swollen right leg. No new confusion.", "systemically_unwell")
        != "present"
    )


def test_fever_new_confusion_and_a_red_hot_leg_are_an_emergency() -> None:
    level, flags = red_flags_of("Temp 38.7, newly confused. The right lower leg is red, hot and swollen.")
    assert "nsti_red_leg_severe" in flags
    assert level == "emergency"
