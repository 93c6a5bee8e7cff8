"""A condition defined by a finding of the leg sets the triage level only with such a finding (E s15,
docs/safety.md H3, triage.yaml defining_findings).

Risk factors multiply as if independent: back pain alone in an 80-year-old with atrial fibrillation and
known arterial disease made acute limb ischaemia the most likely condition (p 0.43) and the case an
EMERGENCY, though acute limb ischaemia is a threatened limb (the 6 Ps). Fever with back pain likewise
put cellulitis, an infection of the skin of the leg, first. Without one of its defining findings such a
condition calls for its gate's level at most (routine) once the leg is known free of pain; any finding of the
leg opens the gate, and a leg the case says nothing of keeps it open (unknown is not absent)."""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.engine.triage import gated_conditions, rank
from nervemap.knowledge.loader import default_knowledge
from nervemap.knowledge.models import TriageLevel


def _case(age: int, sex: str, present: list[str], absent: tuple[str, ...] = ("pain_below_knee",)) -> Case:
    findings = [{"id": f, "status": "present"} for f in present] + [
        {"id": f, "status": "absent"} for f in absent
    ]
    return Case.model_validate({"age": age, "sex": sex, "findings": findings})


_AT_RISK = ["back_pain", "atrial_fibrillation", "known_peripheral_arterial_disease", "smoking"]


def test_back_pain_in_a_patient_at_risk_of_limb_ischaemia_is_no_limb_emergency() -> None:
    from nervemap.nlp import extract

    text = (
        "An 80-year-old woman with atrial fibrillation, not anticoagulated, and known peripheral arterial "
        "disease has had non-radiating low back pain for 2 days. She smokes."
    )
    assessment = assess(extract(text).case)
    assert assessment.triage.level != TriageLevel.EMERGENCY
    assert "acute_limb_ischaemia" not in {s.condition for s in assessment.triage.suspected}
    # the differential still shows it, and the basis says why it did not set the level
    assert "acute_limb_ischaemia" in [entry.id for entry in assessment.differential[:5]]
    assert any("defining findings" in line for line in assessment.triage.basis)


def test_a_leg_the_case_says_nothing_of_keeps_the_emergency() -> None:
    """Unknown is not absent: without the statement that the leg is free of pain the gate stays open."""
    assessment = assess(_case(80, "female", _AT_RISK, absent=()))
    assert assessment.triage.level == TriageLevel.EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "A 78-year-old man with atrial fibrillation has a sudden painful, cold left leg since this morning.",
        "An 85-year-old with atrial fibrillation cannot move her left foot since this morning, it is cold.",
    ],
)
def test_a_limb_the_reader_reads_no_finding_of_stays_an_emergency(text: str) -> None:
    """The reader finds no finding of the leg in these (a gate on findings alone made them routine)."""
    from nervemap.nlp import extract

    assert assess(extract(text).case).triage.level == TriageLevel.EMERGENCY


# (the leg known free of pain below the knee: a limb finding other than its pain opens the gate)
@pytest.mark.parametrize("limb", ["cold_pale_limb", "leg_numbness", "peripheral_pulses_reduced"])
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
    assessment = assess(_case(45, "male", ["fever", "leg_redness_warmth", "leg_swelling"], absent=()))
    assert "cellulitis_necrotising_infection" in {s.condition for s in assessment.triage.suspected}


def test_every_defining_finding_opens_its_gate_alone() -> None:
    """A finding added present never lowers the level by a gate: each one opens it; and the gate closes
    only with every known_absent finding absent."""
    triage = default_knowledge().knowledge.triage
    assert triage.defining_findings
    for gate in triage.defining_findings:
        known = set(gate.known_absent)
        assert gate.condition in gated_conditions(triage, set(), known)
        assert gate.condition not in gated_conditions(triage, set(), set())
        for finding in gate.any_of:
            assert gate.condition not in gated_conditions(triage, {finding}, known)
