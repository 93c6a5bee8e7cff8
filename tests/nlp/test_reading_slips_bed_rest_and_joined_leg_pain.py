"""Reading slips (issue 14): pain joined to another symptom of the same leg, and bed rest.

"Pain and weakness of the left leg" is pain in the left leg as well as weakness (rootdev-009 lost the
pain). Bed rest is the Wells DVT risk factor only as being bedridden for 3 days or more (Wells 1997,
2003: "recently bedridden > 3 days"); bed rest tried for back pain is a treatment (rootdev-021:
"Bed rest and simple analgesia have not helped").
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import present


def _pain_sides(text: str) -> set[str | None]:
    case = extract(text).case
    return {m.side for m in case.pain_map or [] if m.kind.value == "pain" and m.region == "calf"}


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("A 28-year-old man has had pain and weakness of the left leg for two years.", "left"),
        ("He has pain and numbness in the right leg.", "right"),
        ("She reports pain and tingling in her left leg.", "left"),
    ],
)
def test_pain_joined_to_another_symptom_of_the_leg_is_pain_in_that_leg(text: str, side: str) -> None:
    assert _pain_sides(text) == {side}


def test_back_pain_joined_to_leg_weakness_is_not_leg_pain() -> None:
    text = "Low back pain and weakness of the left leg."
    assert _pain_sides(text) == set()
    assert "subjective_leg_weakness" in present(text)


@pytest.mark.parametrize(
    "text",
    [
        "Bed rest and simple analgesia have not helped.",
        "He was advised bed rest and ibuprofen.",
        "Two days of bed rest did not help.",
    ],
)
def test_bed_rest_as_a_treatment_is_not_immobility(text: str) -> None:
    assert "recent_surgery_or_immobility" not in present(text)


@pytest.mark.parametrize(
    "text",
    [
        "She has been bedridden for a week.",
        "He has been on bed rest since the fall.",
        "After two weeks of bed rest her calf swelled.",
        "Bed rest for 5 days after the fracture.",
        "She was confined to bed with influenza.",
    ],
)
def test_being_bedridden_for_three_days_or_more_is_immobility(text: str) -> None:
    assert "recent_surgery_or_immobility" in present(text)
