"""A leg that suddenly turns weak or numb in atrial fibrillation is an embolus until proven otherwise
(triage.yaml ali_sudden_deficit_af; lead s15 after E's probe: "sudden weakness of the left leg" in a
patient with AF was triaged routine, because the limb-ischaemia rules asked for pain, a pulse deficit
or a cold limb)."""

from __future__ import annotations

import pytest

from nervemap.knowledge.models import TriageLevel
from tests.nlp.reading import red_flags_of

RULE = "ali_sudden_deficit_af"


@pytest.mark.parametrize(
    "text",
    [
        "An 81-year-old woman in atrial fibrillation noticed that her right leg suddenly went weak"
        " at lunchtime.",
        "Known AF, not anticoagulated. Sudden onset of numbness in the left leg two hours ago;"
        " some low back ache.",
    ],
)
def test_a_sudden_leg_deficit_with_atrial_fibrillation_is_an_emergency(text: str) -> None:
    level, flags = red_flags_of(text)
    assert level == TriageLevel.EMERGENCY
    assert RULE in flags


def test_the_same_deficit_without_atrial_fibrillation_does_not_fire_it() -> None:
    _, flags = red_flags_of(
        "An 81-year-old woman noticed that her right leg suddenly went weak at lunchtime."
    )
    assert RULE not in flags


def test_a_gradual_deficit_does_not_fire_it() -> None:
    _, flags = red_flags_of(
        "A 69-year-old with atrial fibrillation: the left leg has grown slowly weaker over a year."
    )
    assert RULE not in flags
