"""Reading: "sudden"/"acute" ends a history cue's scope, never a negation's (context.yaml)."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import status_of


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("No sudden urinary retention or incontinence.", "urinary_retention"),
        ("No sudden urinary retention or incontinence.", "urinary_incontinence_new"),
        ("Denies sudden weakness of the legs or saddle numbness.", "saddle_numbness"),
        ("Denies sudden weakness of the legs or saddle numbness.", "subjective_leg_weakness"),
        ("No history of sudden leg weakness.", "subjective_leg_weakness"),
        ("no acute urinary retention", "urinary_retention"),
    ],
)
def test_a_denied_sudden_symptom_stays_denied(text: str, finding: str) -> None:
    assert status_of(text, finding) == "absent"


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("hx DVT, sudden SOB this morning, L calf swollen", "pulmonary_embolism_symptoms"),
        ("Hx fem-pop bypass, acute R leg pain, cold foot", "cold_pale_limb"),
    ],
)
def test_a_sudden_event_after_a_history_cue_is_current(text: str, finding: str) -> None:
    findings = {f.id: f for f in extract(text).case.findings}
    assert findings[finding].status.value == "present"
