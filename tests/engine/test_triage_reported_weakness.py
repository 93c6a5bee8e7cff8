"""A new weakness the patient reports counts for the haematoma rule on an anticoagulant."""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.knowledge.models import TriageLevel
from nervemap.nlp import extract


def _case(findings: list[str], **fields: Any) -> Case:
    return Case.model_validate({"findings": [{"id": f, "status": "present"} for f in findings], **fields})


def test_new_reported_leg_weakness_on_warfarin_is_a_haematoma_emergency() -> None:
    result = assess(
        _case(
            ["anticoagulant_use", "subjective_leg_weakness", "radiating_leg_pain", "back_pain"],
            age=52,
            duration_days=7,
        )
    )
    assert result.triage.level == TriageLevel.EMERGENCY
    assert "bleeding_risk_new_deficit" in {flag.id for flag in result.triage.red_flags}


def test_old_stable_reported_weakness_on_warfarin_does_not_fire_the_haematoma_rule() -> None:
    result = assess(
        _case(["anticoagulant_use", "subjective_leg_weakness", "back_pain"], age=70, duration_days=400)
    )
    assert "bleeding_risk_new_deficit" not in {flag.id for flag in result.triage.red_flags}


def test_the_note_of_thigh_pain_with_weakness_on_warfarin_is_an_emergency() -> None:
    note = (
        "52-year-old man with a mechanical aortic valve on lifelong warfarin. For one week the back pain "
        "has radiated to the front of the right thigh with weakness."
    )
    case = extract(note).case
    assert ("subjective_leg_weakness", "present") in {(f.id, f.status.value) for f in case.findings}
    assert assess(case).triage.level == TriageLevel.EMERGENCY
