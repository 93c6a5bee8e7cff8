"""A leg symptom said to be new, in the order people write it, and a denial of a new one (lead s12).

The cauda equina, cord and spinal-infection rules read a neurological symptom of recent onset
(``leg_neuro_symptom_new``) beside their other features. "New right leg weakness" (the part named before
the symptom) and "the leg has become newly weak" were not read as new; and "no new weakness of the left
leg" was read as new weakness, because ConText's "no new" overlapped the match and so modified nothing.
"""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess
from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import status_of

NEW = "leg_neuro_symptom_new"


@pytest.mark.parametrize(
    ("note", "symptom", "side"),
    [
        ("Since last night his left leg has become newly weak.", "subjective_leg_weakness", "left"),
        ("She complains of new right leg weakness.", "subjective_leg_weakness", "right"),
        ("New onset of left foot weakness this week.", "subjective_leg_weakness", "left"),
        ("He noticed new right leg numbness at breakfast.", "leg_numbness", "right"),
    ],
)
def test_a_leg_symptom_said_to_be_new_is_new(note: str, symptom: str, side: str) -> None:
    findings = {f.id: f for f in extract(note).case.findings}
    assert findings[NEW].status.value == "present"
    assert (findings[symptom].status.value, findings[symptom].side) == ("present", side)


@pytest.mark.parametrize(
    ("note", "symptom"),
    [
        ("No new weakness of the right leg.", "subjective_leg_weakness"),
        ("There is no new left leg numbness.", "leg_numbness"),
        ("No new leg weakness reported.", "subjective_leg_weakness"),
        ("Without new tingling in the right foot.", "leg_tingling"),
    ],
)
def test_a_denied_new_symptom_is_neither_new_nor_present(note: str, symptom: str) -> None:
    assert status_of(note, NEW) != "present"
    assert status_of(note, symptom) == "absent"


def test_fever_back_pain_and_new_leg_weakness_in_that_order_is_an_emergency() -> None:
    note = "Four days of severe low back pain with a temperature of 38.9 and new left leg weakness."
    assert assess(extract(note).case).triage.level == "emergency"
