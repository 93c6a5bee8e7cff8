"""A condition defined by a finding of the leg sets the triage level only with such a finding (E s15,
docs/safety.md H3, triage.yaml defining_findings).

Risk factors multiply as if independent: back pain alone in an 80-year-old with atrial fibrillation and
known arterial disease made acute limb ischaemia the most likely condition (p 0.43) and the case an
EMERGENCY, though acute limb ischaemia is a threatened limb (the 6 Ps). Fever with back pain likewise
put cellulitis, an infection of the skin of the leg, first. Without one of its defining findings such a
condition calls for its gate's level at most (routine); any finding of the leg opens the gate."""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.engine.triage import gated_conditions, rank
from nervemap.knowledge.loader import default_knowledge
from nervemap.knowledge.models import TriageLevel


def _case(age: int, sex: str, present: list[str]) -> Case:
    return Case.model_validate(
        {"age": age, "sex": sex, "findings": [{"id": f, "status": "present"} for f in present]}
    )


_AT_RISK = ["back_pain", "atrial_fibrillation", "known_peripheral_arterial_disease", "smoking"]


def test_back_pain_in_a_patient_at_risk_of_limb_ischaemia_is_no_limb_emergency() -> None:
    assessment = assess(_case(80, "female", _AT_RISK))
    assert assessment.triage.level != TriageLevel.EMERGENCY
    assert "acute_limb_ischaemia" not in {s.condition for s in assessment.triage.suspected}
    # the differential still shows it, and the basis says why it did not set the level
    assert "acute_limb_ischaemia" in [entry.id for entry in assessment.differential[:5]]
    assert any("defining findings" in line for line in assessment.triage.basis)


@pytest.mark.parametrize("limb", ["cold_pale_limb", "calf_pain", "leg_numbness", "peripheral_pulses_reduced"])
def test_one_finding_of_the_limb_makes_it_an_emergency_again(limb: str) -> None:
    assessment = assess(_case(80, "female", [*_AT_RISK, limb]))
    assert assessment.triage.level == TriageLevel.EMERGENCY
    assert "acute_limb_ischaemia" in {s.condition for s in assessment.triage.suspected}


def test_fever_with_back_pain_suspects_a_spinal_infection_not_cellulitis() -> None:
    assessment = assess(_case(45, "male", ["back_pain", "fever"]))
    suspected = {s.condition for s in assessment.triage.suspected}
    assert "cellulitis_necrotising_infection" not in suspected
    assert "spinal_epidural_abscess_discitis" in suspected
    assert rank(assessment.triage.level) >= rank(TriageLevel.URGENT)  # the IDSA fever rule still fires


def test_fever_with_a_red_hot_leg_suspects_cellulitis() -> None:
    assessment = assess(_case(45, "male", ["fever", "leg_redness_warmth", "leg_swelling"]))
    assert "cellulitis_necrotising_infection" in {s.condition for s in assessment.triage.suspected}


def test_every_defining_finding_opens_its_gate_alone() -> None:
    """Adding evidence never lowers the level by a gate: each finding opens it, none closes it."""
    triage = default_knowledge().knowledge.triage
    assert triage.defining_findings
    for gate in triage.defining_findings:
        assert gate.condition in gated_conditions(triage, set())
        for finding in gate.any_of:
            assert gate.condition not in gated_conditions(triage, {finding})
