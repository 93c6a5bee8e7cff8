"""A difficulty passing urine told in a patient's words is the bladder red flag of cauda equina
(E s16, reviewer R s16: "trouble passing urine since yesterday" and "it is hard to pass urine" read
nothing, a missed cauda equina syndrome; "difficulty ... passing urine" with a word between was read)."""

from __future__ import annotations

import pytest

from tests.nlp.reading import status_of, triage_of

_BACK = "Severe low back pain and bilateral sciatica for four days."


@pytest.mark.parametrize(
    "sentence",
    [
        "Since this morning she has had trouble passing urine.",
        "He reports problems passing water overnight.",
        "Today it is hard for him to pass urine.",
        "Now it is a struggle to empty her bladder.",
        "Problems with urinating since Sunday.",
    ],
)
def test_a_difficulty_passing_urine_is_the_bladder_red_flag(sentence: str) -> None:
    note = f"{_BACK} {sentence}"
    assert status_of(note, "bladder_sensation_altered") == "present"
    assert triage_of(note) == "emergency"


def test_a_denied_difficulty_stays_denied() -> None:
    note = f"{_BACK} No trouble passing urine."
    assert status_of(note, "bladder_sensation_altered") == "absent"
