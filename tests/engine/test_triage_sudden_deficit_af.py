"""A leg that suddenly turns weak or numb in atrial fibrillation is an embolus until proven otherwise
(triage.yaml ali_sudden_deficit_af; lead s15 after E's probe: "sudden weakness of the left leg" in a
patient with AF was triaged routine, because the limb-ischaemia rules asked for pain, a pulse deficit
or a cold limb)."""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess
from nervemap.knowledge.models import TriageLevel
from nervemap.nlp import extract

RULE = "ali_sudden_deficit_af"


def _flags(text: str) -> tuple[TriageLevel, set[str]]:
    triage = assess(extract(text).case).triage
    return triage.level, {flag.id for flag in triage.red_flags}


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
    level, flags = _flags(text)
    assert level == TriageLevel.EMERGENCY
    assert RULE in flags


def test_the_same_deficit_without_atrial_fibrillation_does_not_fire_it() -> None:
    _, flags = _flags("An 81-year-old woman noticed that her right leg suddenly went weak at lunchtime.")
    assert RULE not in flags


def test_a_gradual_deficit_does_not_fire_it() -> None:
    _, flags = _flags(
        "A 69-year-old with atrial fibrillation: the left leg has grown slowly weaker over a year."
    )
    assert RULE not in flags
