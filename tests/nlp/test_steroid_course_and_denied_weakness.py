"""Two usual phrasings of the history (issue 14 item 5, H1).

A steroid named as a treatment tried for the pain (a course, a trial, an acute intravenous dose, one
that "has not helped") is not long-term corticosteroid use, the risk factor for fracture and infection;
a steroid taken regularly still is. Weakness named in a denied list is absent leg weakness.
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def findings(text: str) -> set[tuple[str, str]]:
    return {(f.id, f.status.value) for f in extract(text).case.findings}


@pytest.mark.parametrize(
    "text",
    [
        "Oral steroids and anti-inflammatories have not helped.",
        "A course of oral steroids did not help her leg pain.",
        "He failed a trial of oral steroids.",
        "A course of prednisone gave little relief.",
        "There had been no response to IV methylprednisolone.",
        "He was given a Medrol dose pack.",
        "Prednisone did not help.",
    ],
)
def test_a_steroid_course_tried_for_the_pain_is_not_long_term_use(text: str) -> None:
    assert not {f for f, _ in findings(text)} & {"long_term_corticosteroids"}


@pytest.mark.parametrize(
    "text",
    [
        "She is on oral steroids for asthma.",
        "He has been on prednisone for ten years.",
        "Prednisone 7.5 mg daily.",
        "Treated with corticosteroids for rheumatoid arthritis.",
        "Long-term steroids for COPD.",
    ],
)
def test_a_steroid_taken_regularly_is_long_term_use(text: str) -> None:
    assert ("long_term_corticosteroids", "present") in findings(text)


@pytest.mark.parametrize(
    "text",
    [
        "He has no local pain, weakness or pins and needles in the legs.",
        "She denies weakness or numbness.",
        "No weakness; sensation intact.",
    ],
)
def test_weakness_in_a_denied_list_is_absent_leg_weakness(text: str) -> None:
    assert ("subjective_leg_weakness", "absent") in findings(text)


def test_weakness_stated_is_still_read_as_present_and_a_graded_muscle_is_not_a_symptom() -> None:
    assert ("subjective_leg_weakness", "present") in findings("He reports weakness of the left leg.")
    assert not {f for f, _ in findings("Power: weakness of left ankle dorsiflexion 4/5.")} & {
        "subjective_leg_weakness"
    }


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Low back pain that radiates into the left leg, accompanied by weakness of that leg.", "left"),
        ("He has weakness of the affected leg.", None),
        ("She noticed weakness in the same leg.", None),
    ],
)
def test_weakness_of_the_leg_named_before_is_leg_weakness(text: str, side: str | None) -> None:
    found = {(f.id, f.status.value, f.side) for f in extract(text).case.findings}
    assert ("subjective_leg_weakness", "present", side) in found
