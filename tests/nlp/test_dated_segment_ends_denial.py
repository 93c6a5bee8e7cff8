"""A segment after a comma that dates its symptom as new is a complaint, not one more item of the denied
list before it (E s16, reviewer R s16: "she has never had bladder problems, new saddle numbness today" read
the saddle numbness as denied, a missed cauda equina syndrome). A list joined by "or" and a segment with its
own denial stay denied."""

from __future__ import annotations

import pytest

from tests.nlp.reading import status_of, triage_of

_BACK = "Low back pain and left sciatica for a week."


@pytest.mark.parametrize(
    "sentence",
    [
        "He has never had bowel trouble, new numbness around the anus since last night.",
        "No fever, saddle numbness started yesterday.",
        "Denies weight loss, numbness in the saddle area since this morning.",
        # a duration in hours, days or weeks dates it as well
        "No fever, saddle numbness for two days.",
        "Denies night sweats, saddle anaesthesia x 3 days.",
    ],
)
def test_a_dated_red_flag_after_a_denial_is_present(sentence: str) -> None:
    note = f"{_BACK} {sentence}"
    assert status_of(note, "saddle_numbness") == "present"
    assert triage_of(note) == "emergency"


@pytest.mark.parametrize(
    "sentence",
    [
        "No fever, weight loss or saddle numbness since the fall.",
        "No fever, no new saddle numbness.",
        "No fever, no saddle numbness for two days.",
        "Denies fever, night sweats or new numbness in the saddle area.",
    ],
)
def test_a_denied_list_stays_denied(sentence: str) -> None:
    note = f"{_BACK} {sentence}"
    assert status_of(note, "saddle_numbness") == "absent"
    assert triage_of(note) != "emergency"
