"""An absent pulse written as a negation is the sign, and its negation does not deny what follows; a denied
list of deficits is not an absent pulse (E s17, reviewer R s17; emergencies.yaml, context.yaml)."""

from __future__ import annotations

import pytest

from tests.nlp.reading import red_flags_of, status_of


def test_a_cold_foot_after_no_pedal_pulses_is_not_denied() -> None:
    text = "Known AF. Sudden pain in the right leg; no pedal pulses, foot cold."
    assert status_of(text, "cold_pale_limb") == "present"
    level, flags = red_flags_of(text)
    assert "ali_cold_pale_limb" in flags
    assert level == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "The right foot pulse cannot be felt, and the foot is numb.",
        "We could not feel a pulse in the right foot.",
    ],
)
def test_a_pulse_that_cannot_be_felt_is_an_absent_pulse(text: str) -> None:
    assert status_of(text, "leg_pulseless") == "present"


def test_a_pulse_that_cannot_be_felt_does_not_deny_the_next_clause() -> None:
    assert (
        status_of("The right foot pulse cannot be felt, and the foot is numb.", "leg_numbness") == "present"
    )


def test_no_pulse_or_motor_deficit_is_a_denied_list_not_a_pulseless_leg() -> None:
    text = "New numbness of the right foot since Tuesday with sciatica; no pulse or motor deficit."
    assert status_of(text, "leg_pulseless") != "present"
    _, flags = red_flags_of(text)
    assert "ali_pulseless_limb" not in flags
