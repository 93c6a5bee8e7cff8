"""A lost sacral or bladder sensation told as "gone" is the cauda equina red flag, not a symptom that
went away (E s17, reviewer R s17; emergencies.yaml)."""

from __future__ import annotations

import pytest

from tests.nlp.reading import red_flags_of


@pytest.mark.parametrize(
    "text",
    [
        "Left sciatica for a week. The sensation in her saddle area has gone.",
        "Left sciatica for a week. The feeling around his back passage has completely gone.",
        "Left sciatica for a week. His bladder sensation has gone since last night.",
    ],
)
def test_a_lost_sacral_or_bladder_sensation_is_the_red_flag(text: str) -> None:
    level, flags = red_flags_of(text)
    assert "ces_sphincter_or_saddle" in flags
    assert level == "emergency"


def test_a_normal_saddle_sensation_is_not_the_red_flag() -> None:
    _, flags = red_flags_of("Left sciatica for a week. The sensation in her saddle area is normal.")
    assert "ces_sphincter_or_saddle" not in flags


def test_the_strength_of_a_leg_told_as_gone_is_a_new_weakness() -> None:
    from tests.nlp.reading import status_of

    text = "Sciatica. The strength in her right foot has gone, she cannot lift it."
    assert status_of(text, "subjective_leg_weakness") == "present"
    assert status_of(text, "leg_neuro_symptom_new") == "present"


def test_a_sensation_gone_back_to_normal_is_the_recovery_not_the_red_flag() -> None:
    # reviewer R s17 on 6af5c98: "gone back (to normal)" had been read as the loss
    for text in (
        "Sciatica. Her bladder sensation has gone back to normal.",
        "Sciatica. The sensation in her saddle area has gone back to normal since the operation.",
    ):
        _, flags = red_flags_of(text)
        assert "ces_sphincter_or_saddle" not in flags, text
