"""A leg that has newly gone numb or weak in atrial fibrillation is an embolus until proven otherwise, whether
or not the note says "sudden" (triage.yaml ali_new_deficit_af; E s16, reviewer R s16: "Known AF. Since this
morning he can no longer feel his right leg." was read right and stayed routine)."""

from __future__ import annotations

import pytest

from nervemap.knowledge.models import TriageLevel
from tests.nlp.reading import red_flags_of

RULE = "ali_new_deficit_af"


@pytest.mark.parametrize(
    "text",
    [
        "A 77-year-old in atrial fibrillation: since waking he can no longer feel his left foot.",
        "Known AF, stopped her apixaban last week. New weakness of the right leg today.",
    ],
)
def test_a_new_leg_deficit_with_atrial_fibrillation_is_an_emergency(text: str) -> None:
    level, flags = red_flags_of(text)
    assert RULE in flags
    assert level == TriageLevel.EMERGENCY


def test_a_new_deficit_without_atrial_fibrillation_does_not_fire_it() -> None:
    _, flags = red_flags_of("A 77-year-old: since waking he can no longer feel his left foot.")
    assert RULE not in flags


def test_sciatica_spreading_with_atrial_fibrillation_but_no_deficit_does_not_fire_it() -> None:
    _, flags = red_flags_of("Known AF. Sciatica for months, now spreading to the other leg.")
    assert RULE not in flags
