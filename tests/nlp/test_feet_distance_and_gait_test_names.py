"""Feet as a distance and heel/toe as the name of a gait test are not places of a symptom (issue 12, H3).

dev mtsamples-1613 ('painful symptoms ... after approximately 400 feet of walking') marked pain in
both feet; dev mtsamples-61 ('Because of pain, the patient is unable to heel-toe or tandem gait')
marked pain in the heel and toes, which with the left foot's symptoms made a bilateral distal
(polyneuropathy) pattern in a man with left L5-S1 radiculopathy."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract


def regions(text: str) -> set[str]:
    return {mark.region for mark in extract(text).case.pain_map or []}


@pytest.mark.parametrize(
    "text",
    [
        "A six-minute walk test revealed painful symptoms after approximately 400 feet of walking.",
        "He can walk 1,000 feet before the pain starts.",
        "She can only walk a few feet because of pain.",
        "Pain comes on after several feet.",
    ],
)
def test_feet_as_a_distance_mark_no_foot(text: str) -> None:
    assert not regions(text) & {"foot_dorsum", "foot_sole"}


@pytest.mark.parametrize(
    "text",
    [
        "Because of pain, the patient is unable to heel-toe or tandem gait.",
        "Heel-to-toe walking was painful.",
        "Heel-to-shin testing was painful on the left.",
        "Because of pain he could not heel to toe walk.",
    ],
)
def test_a_gait_test_name_marks_no_heel_or_toe(text: str) -> None:
    assert not regions(text) & {"heel", "great_toe", "lesser_toes"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Burning pain in both feet at night.", {"foot_dorsum", "foot_sole"}),
        ("Pain in his feet.", {"foot_dorsum", "foot_sole"}),
        ("Pain in the left heel for two weeks.", {"heel"}),
        ("Pain in both heels.", {"heel"}),
        ("Numbness in the toes.", {"great_toe", "lesser_toes"}),
        ("He has pain in the heel and toes of the left foot.", {"heel", "great_toe", "lesser_toes"}),
    ],
)
def test_the_feet_heels_and_toes_themselves_are_still_read(text: str, expected: set[str]) -> None:
    assert expected <= regions(text)
