"""Reading the examination as notes write it (issue 14, item 5): a part of the foot named with its
foot, the comparison side of an asymmetric sign, and "right now".

- "the heel of the right foot", "the big toe of the left foot": the foot only says where the part is.
  Read as the whole foot too, the heel (S1) gained the dorsum (L5) and the big toe (L5) the sole (S1),
  which blurs the two commonest roots.
- "the right ankle jerk is reduced compared with the left": the left is the normal comparison, not a
  second reduced reflex (both sides 1+ is a symmetric grade, which does not localise).
- "severe pain right now": an adverb, not the right side.
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _places(text: str) -> set[tuple[str, str | None]]:
    case = extract(text).case
    marks = {(m.region, m.side) for m in case.pain_map or [] if m.region != "lower_back"}
    return marks | {(s.region, s.side) for s in case.sensation}


def _reflexes(text: str) -> set[tuple[str, str, int]]:
    return {(r.reflex, r.side, r.grade) for r in extract(text).case.reflexes}


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("Pain radiates to the heel of the right foot.", {("heel", "right")}),
        ("Numbness of the big toe of the left foot.", {("great_toe", "left")}),
        ("Numbness in the little toe of the right foot.", {("lesser_toes", "right")}),
        ("Reduced sensation in the first web space of the left foot.", {("first_web_space", "left")}),
        ("Pain in the posterior aspect of his left thigh.", {("thigh_posterior", "left")}),
    ],
)
def test_a_part_named_with_its_foot_is_that_part_only(text: str, places: set[tuple[str, str]]) -> None:
    assert _places(text) == places


@pytest.mark.parametrize(
    ("text", "places"),
    [
        # the foot named on its own, or as a second place, is still the foot
        ("Numbness of the right foot.", {("foot_dorsum", "right"), ("foot_sole", "right")}),
        (
            "Pain radiates to the top of the left foot and big toe.",
            {("foot_dorsum", "left"), ("great_toe", "left")},
        ),
    ],
)
def test_the_foot_named_on_its_own_is_still_the_foot(text: str, places: set[tuple[str, str]]) -> None:
    assert _places(text) == places


@pytest.mark.parametrize(
    ("text", "reflexes"),
    [
        ("The right ankle jerk is reduced compared with the left.", {("achilles", "right", 1)}),
        ("The left knee jerk is depressed relative to the right.", {("patellar", "left", 1)}),
        ("Reduced right knee jerk compared to the left.", {("patellar", "right", 1)}),
        # unchanged: both sides named for the sign itself
        ("Ankle reflexes absent bilaterally.", {("achilles", "left", 0), ("achilles", "right", 0)}),
        ("Left patellar reflex 1+, right 2+.", {("patellar", "left", 1), ("patellar", "right", 2)}),
    ],
)
def test_the_comparison_side_is_not_a_second_abnormal_sign(
    text: str, reflexes: set[tuple[str, str, int]]
) -> None:
    assert _reflexes(text) == reflexes


def test_right_now_is_not_the_right_side() -> None:
    text = (
        "He has severe left-sided leg pain. He is still complaining of the severe pain right now with "
        "tingling in the medial two toes of the foot and weakness in his left leg."
    )
    sides = {side for region, side in _places(text) if region in {"great_toe", "lesser_toes"}}
    assert sides == {"left"}


def test_the_right_leg_is_still_the_right_side() -> None:
    assert _places("Pain down the right leg into the right calf.") >= {("calf", "right")}
