"""Symptoms stated for the left leg and for the right leg are symptoms in both legs, for every kind
of input (issue 14, session 9).

The rule lived in the text reader (nlp/assemble.py), so a structured or FHIR case with right sciatica
and a left leg gone numb never had symptoms in both legs and the cauda equina rule for a new deficit
with symptoms in both legs did not fire. It is now the engine's derivation (localisation.yaml
both_legs_from_sides), on the per-case and the batch encoder alike.
"""

from __future__ import annotations

from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled
from nervemap.engine.encode import encode_case
from nervemap.engine.encode_batch import encode_batch

from .test_encode_batch import assert_same

BOTH = "bilateral_leg_symptoms"
SIDED = ("radiating_leg_pain", "leg_numbness", "leg_tingling", "subjective_leg_weakness")


def _case(*findings: dict[str, Any], **more: Any) -> Case:
    return Case.model_validate({"age": 50, "sex": "male", "findings": list(findings), **more})


def _state(case: Case) -> str:
    compiled = default_compiled()
    encoded = encode_case(case, compiled)
    at = compiled.finding_index[BOTH]
    return "present" if encoded.present[at] else "absent" if encoded.absent[at] else "unknown"


@pytest.mark.parametrize("first", SIDED)
@pytest.mark.parametrize("second", SIDED)
def test_a_symptom_in_each_leg_is_symptoms_in_both_legs(first: str, second: str) -> None:
    case = _case({"id": first, "side": "right"}, {"id": second, "side": "left"})
    assert _state(case) == "present"


def test_a_symptom_stated_for_both_legs_is_symptoms_in_both_legs() -> None:
    assert _state(_case({"id": "leg_numbness", "side": "bilateral"})) == "present"


@pytest.mark.parametrize("finding", SIDED)
def test_symptoms_of_one_leg_are_not_both_legs(finding: str) -> None:
    case = _case({"id": finding, "side": "right"}, {"id": "leg_numbness", "side": "right"})
    assert _state(case) == "unknown"


def test_an_absent_symptom_in_the_other_leg_does_not_count() -> None:
    case = _case({"id": "radiating_leg_pain", "side": "right"}, {"id": "leg_numbness", "status": "absent"})
    assert _state(case) == "unknown"


def test_a_report_of_the_finding_present_is_kept() -> None:
    case = _case({"id": "radiating_leg_pain", "side": "right"}, {"id": BOTH, "status": "present"})
    assert _state(case) == "present"


def test_a_report_of_the_finding_absent_alone_is_kept() -> None:
    case = _case({"id": "radiating_leg_pain", "side": "right"}, {"id": BOTH, "status": "absent"})
    assert _state(case) == "absent"
    assert encode_case(case, default_compiled()).notes == []


def test_sided_symptoms_in_both_legs_win_over_a_report_of_the_finding_absent_with_a_note() -> None:
    # reviewer, session 10: the report hid symptoms in both legs (and a cauda equina rule) without a word
    case = _case(
        {"id": "radiating_leg_pain", "side": "right"},
        {"id": "leg_numbness", "side": "left"},
        {"id": BOTH, "status": "absent"},
    )
    assert _state(case) == "present"
    notes = encode_case(case, default_compiled()).notes
    assert any(BOTH in note and "left and on the right" in note for note in notes)
    assert any(BOTH in note for note in assess(case).notes)


def test_a_denied_symptoms_in_both_legs_with_a_new_deficit_in_each_leg_is_an_emergency() -> None:
    case = _case(
        {"id": "radiating_leg_pain", "side": "right"},
        {"id": "leg_numbness", "side": "left"},
        {"id": "leg_neuro_symptom_new"},
        {"id": BOTH, "status": "absent"},
        duration_days=42,
    )
    assert assess(case).triage.level.value == "emergency"


def test_the_batch_encoder_derives_it_too() -> None:
    cases = [
        _case({"id": "radiating_leg_pain", "side": "right"}, {"id": "leg_numbness", "side": "left"}),
        _case({"id": "radiating_leg_pain", "side": "right"}),
        _case(
            {"id": "leg_tingling", "side": "left"},
            {"id": "subjective_leg_weakness", "side": "right"},
            pain_map=[{"region": "calf", "side": "left", "kind": "pain"}],
        ),
        _case({"id": "leg_numbness", "side": "left"}, {"id": BOTH, "status": "absent"}),
        _case(
            {"id": "leg_numbness", "side": "left"},
            {"id": "radiating_leg_pain", "side": "right"},
            {"id": BOTH, "status": "absent"},
        ),
    ]
    assert_same(cases)
    compiled = default_compiled()
    at = compiled.finding_index[BOTH]
    assert encode_batch(cases, compiled).present[:, at].tolist() == [True, False, True, False, True]


def test_a_structured_case_with_a_new_deficit_in_the_other_leg_is_an_emergency() -> None:
    # right sciatica; yesterday the left leg became weak and numb (the note of the session-8 review)
    case = _case(
        {"id": "radiating_leg_pain", "side": "right"},
        {"id": "leg_numbness", "side": "left"},
        {"id": "subjective_leg_weakness", "side": "left"},
        {"id": "leg_neuro_symptom_new"},
        duration_days=42,
    )
    result = assess(case)
    assert result.triage.level.value == "emergency"
