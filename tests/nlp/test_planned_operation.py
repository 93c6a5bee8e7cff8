"""A planned, booked or awaited operation has not happened: it is no recent operation (E s16: "surgery was
planned" read as recent surgery when a recency word stood in the sentence). The planning words take only an
operation, in their own phrase: a symptom and an operation that was done stay as they are."""

from __future__ import annotations

import pytest

from tests.nlp.reading import status_of


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        (
            "Recently a total hip replacement was planned; numbness of the left outer thigh.",
            "recent_hip_or_pelvic_surgery",
        ),
        (
            "Seen two weeks ago, when a hysterectomy was scheduled. "
            "Now numb over the front of the left thigh.",
            "recent_hip_or_pelvic_surgery",
        ),
        (
            "Recent surgery is planned on the right knee; the right calf is painful.",
            "recent_surgery_or_immobility",
        ),
        ("Right sciatica; a microdiscectomy was booked two weeks ago.", "recent_spinal_procedure"),
    ],
)
def test_a_planned_operation_is_not_a_recent_one(note: str, finding: str) -> None:
    assert status_of(note, finding) != "present"


@pytest.mark.parametrize(
    ("note", "finding"),
    [
        (
            "Two weeks after her hip replacement she noticed numbness of the left thigh.",
            "recent_hip_or_pelvic_surgery",
        ),
        (
            "She had a planned caesarean section two weeks ago and now has left thigh numbness.",
            "recent_hip_or_pelvic_surgery",
        ),
        (
            "Booked for a scan after her hip replacement last week; left thigh numbness.",
            "recent_hip_or_pelvic_surgery",
        ),
        ("Right sciatica; she had a microdiscectomy two weeks ago.", "recent_spinal_procedure"),
    ],
)
def test_an_operation_that_was_done_stays_recent(note: str, finding: str) -> None:
    assert status_of(note, finding) == "present"


def test_planning_words_never_touch_a_symptom() -> None:
    note = (
        "Back pain and sciatica. While waiting for the ambulance her legs became weak; "
        "an MRI for saddle numbness is booked."
    )
    assert status_of(note, "saddle_numbness") == "present"
    assert status_of(note, "bilateral_leg_weakness") == "present"
