"""A denial must not reach the complaint that follows it (context.yaml, lead s11).

A class of reading defects seen on the fifth hold-out after its blind baseline; the phrasings here are
our own. Each case pairs the fix with a look-alike that must stay a denial.
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import findings_of


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        (
            "A 60-year-old woman with no previous illness and no known risk factors suddenly finds "
            "that both legs are weak.",
            "bilateral_leg_weakness",
        ),
        (
            "No fever or recent infection; then abruptly developed weakness of both legs.",
            "bilateral_leg_weakness",
        ),
        ("The man, with no risk factors, woke to find both legs numb.", "bilateral_leg_numbness"),
    ],
)
def test_an_onset_and_its_verb_start_the_complaint(text: str, finding: str) -> None:
    found = findings_of(text)
    assert (finding, "present") in found
    assert (finding, "absent") not in found


def test_the_onset_itself_is_not_denied_by_the_history_before_it() -> None:
    found = findings_of("No history of trauma and no risk factors, he suddenly finds both legs weak.")
    assert ("sudden_onset", "present") in found


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("The patient could not walk and collapsed at home.", "inability_to_bear_weight"),
        ("The patient could not walk and collapsed at home.", "syncope_or_collapse"),
        ("She denies trauma and could not walk.", "inability_to_bear_weight"),
        ("He is unable to stand.", "inability_to_bear_weight"),
    ],
)
def test_an_inability_is_a_finding_not_a_denial(text: str, finding: str) -> None:
    assert (finding, "present") in findings_of(text)


def test_pain_that_comes_with_walking_is_present() -> None:
    pain = {
        (m.region, m.side)
        for m in extract("He cannot run or walk without left groin pain.").case.pain_map or []
    }
    assert ("groin", "left") in pain


def test_walking_without_pain_still_denies_pain() -> None:
    found = findings_of("He can walk without pain.")
    assert ("radiating_leg_pain", "present") not in found
    assert ("back_pain", "present") not in found


def test_a_sentence_opening_with_a_denied_injury_denies_only_the_injury() -> None:
    found = findings_of(
        "Without any injury, severe low back pain shooting down the left leg began two weeks ago."
    )
    assert ("radiating_leg_pain", "present") in found
    assert ("back_pain", "present") in found
    assert ("significant_trauma", "absent") in found


@pytest.mark.parametrize(
    "text",
    [
        "No injury, fever or weight loss.",
        "No fever, severe pain or weight loss.",
        "She denies sudden weakness or incontinence.",
    ],
)
def test_a_denied_list_stays_denied(text: str) -> None:
    found = findings_of(text)
    for finding in (
        "fever",
        "unexplained_weight_loss",
        "urinary_incontinence_new",
        "subjective_leg_weakness",
    ):
        assert (finding, "present") not in found, (finding, found)
