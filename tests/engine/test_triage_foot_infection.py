"""Bone infection of the foot or leg and the infected diabetic foot (NICE NG19): each situation at
the right level with the right rule, and the near misses that must not fire it."""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.knowledge.models import TriageLevel
from nervemap.nlp import extract


def _case(findings: list[str], absent: tuple[str, ...] = (), **fields: Any) -> Case:
    items: list[dict[str, Any]] = [{"id": f, "status": "present"} for f in findings]
    items += [{"id": f, "status": "absent"} for f in absent]
    return Case.model_validate({"findings": items, **fields})


def _rules(assessment: Assessment) -> set[str]:
    return {flag.id for flag in assessment.triage.red_flags}


def test_a_chronic_bone_infection_of_the_toe_is_urgent_not_routine() -> None:
    """Years of an infected toe bone: at least urgent (NICE NG19), never routine.

    Since issue 12/13 item 1 the differential ranks osteomyelitis first here (p about 0.33), so the
    suspicion rule for septic_arthritis_osteomyelitis_leg (p >= 0.15, emergency, written for septic
    joints) escalates it to an emergency; whether chronic osteomyelitis without diabetes or sepsis
    should be exempt from that rule is a triage-policy question left to the lead (reported)."""
    result = assess(_case(["leg_bone_infection", "skin_break_or_wound"], age=77, duration_days=3650))
    assert result.triage.level in (TriageLevel.URGENT, TriageLevel.EMERGENCY)
    assert "leg_bone_infection" in _rules(result)
    assert "septic_arthritis_osteomyelitis_leg" in [s.condition for s in result.triage.suspected]


def test_a_bone_infection_of_the_foot_in_diabetes_is_an_emergency() -> None:
    result = assess(_case(["leg_bone_infection", "diabetes"], age=68, duration_days=60))
    assert result.triage.level == TriageLevel.EMERGENCY
    assert "diabetic_foot_deep_infection" in _rules(result)


def test_a_foot_ulcer_with_fever_in_diabetes_is_an_emergency() -> None:
    result = assess(_case(["skin_break_or_wound", "diabetes", "fever"], age=60, duration_days=10))
    assert result.triage.level == TriageLevel.EMERGENCY
    assert "diabetic_foot_ulcer_fever" in _rules(result)


def test_a_foot_ulcer_in_diabetes_without_fever_does_not_fire_the_sepsis_rule() -> None:
    result = assess(_case(["skin_break_or_wound", "diabetes"], absent=("fever",), age=60, duration_days=30))
    assert "diabetic_foot_ulcer_fever" not in _rules(result)
    assert "diabetic_foot_deep_infection" not in _rules(result)


def test_the_note_of_a_chronic_hallux_osteomyelitis_is_not_routine() -> None:
    note = (
        "This 77-year-old male presents for surgery on his infected left hallux. He has a history of "
        "chronic osteomyelitis and non-healing ulceration to the left hallux of almost 10 years' duration "
        "and has failed outpatient antibiotic therapy. He is consenting to removal of infected bone."
    )
    case = extract(note).case
    result = assess(case)
    assert result.triage.level in (TriageLevel.URGENT, TriageLevel.EMERGENCY)
    assert "leg_bone_infection" in _rules(result)


def test_a_past_treated_or_excluded_osteomyelitis_is_not_a_current_bone_infection() -> None:
    for note in (
        "Past history: osteomyelitis of the right fifth toe, treated with intravenous antibiotics in 2005.",
        "The X-ray is negative for osteomyelitis.",
        "Vertebral osteomyelitis was considered.",
    ):
        ids = {(f.id, f.status.value) for f in extract(note).case.findings}
        assert ("leg_bone_infection", "present") not in ids, note
