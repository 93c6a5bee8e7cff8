"""'No sensation in the left foot' is sensation absent there, not a denied loss (lead s17 probe, SAFETY:
it read the left foot's sensation NORMAL, and a pulseless foot without feeling since this morning was
routine). The "no" of a status written with it ("no sensation", "no pulses or sensation", "no feeling")
grades the sensation; "no sensory loss" or "no reduced sensation" still denies a loss."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract
from tests.nlp.reading import triage_of


def _sensation(text: str) -> set[tuple[str, str | None, str]]:
    return {(s.region, s.side, s.status) for s in extract(text).case.sensation}


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(
    "text",
    [
        "No feeling in the {side} foot since last night and no pulses.",
        "No pulses or sensation in the {side} foot since last night.",
        "The {side} foot has no pulse and no feeling since last night.",
    ],
)
def test_a_pulseless_foot_without_feeling_is_an_emergency(text: str, side: str) -> None:
    note = text.format(side=side)
    assert ("foot_sole", side, "absent") in _sensation(note)
    assert triage_of(note) == "emergency"


def test_no_sensation_over_a_place_is_absent_sensation() -> None:
    assert _sensation("There is no sensation over the dorsum of the left foot.") == {
        ("foot_dorsum", "left", "absent")
    }


def test_a_denied_loss_is_still_normal_sensation() -> None:
    assert ("foot_sole", "left", "normal") in _sensation("No sensory deficit in the left foot.")
    assert ("foot_sole", "left", "normal") in _sensation("There is no reduced sensation in the left foot.")


@pytest.mark.parametrize(
    "text",
    ["No tingling or sensation changes in the feet.", "No pain or sensation problems in the right foot."],
)
def test_a_denied_sensory_change_is_not_an_absent_sensation(text: str) -> None:
    # reviewer R s17 on b0a232e: the word that heads a denied change is not the sensation graded absent
    assert not any(status == "absent" for _, _, status in _sensation(text))
