"""Issue 13 emergencies written as clinical notes: the text reader finds the findings and the
triage reaches the right level through the right rule (nlp/data/emergencies.yaml)."""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess
from nervemap.knowledge.models import TriageLevel
from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]

NOTES = [
    (
        "24-year-old man, pain out of proportion after a tibial fracture in a cast; pain on passive "
        "stretch of the toes.",
        {"pain_out_of_proportion", "tight_cast_or_dressing", "pain_on_passive_stretch"},
        "compartment_syndrome_after_injury",
        TriageLevel.EMERGENCY,
    ),
    (
        "84-year-old woman after a ground-level fall at home: the leg is shortened and externally "
        "rotated and she has groin pain.",
        {"fall_from_standing", "shortened_externally_rotated_leg"},
        "hip_fracture_deformity",
        TriageLevel.EMERGENCY,
    ),
    (
        "71-year-old smoker with sudden back pain radiating to the groin. Pulsatile abdominal mass "
        "on examination.",
        {"pulsatile_abdominal_mass", "back_pain"},
        "aaa_pulsatile_mass_pain",
        TriageLevel.EMERGENCY,
    ),
    (
        "68-year-old smoker collapsed with abdominal and back pain. He has a known abdominal aortic "
        "aneurysm of 5.2 cm.",
        {"known_abdominal_aortic_aneurysm", "syncope_or_collapse", "abdominal_or_flank_pain"},
        "aaa_known_aneurysm_pain",
        TriageLevel.EMERGENCY,
    ),
    (
        "61-year-old woman with a history of breast cancer has severe back pain and numbness from her "
        "waist down.",
        {"history_of_cancer", "back_pain", "leg_numbness"},
        "mscc_cancer_spinal_pain_neuro_symptoms",
        TriageLevel.EMERGENCY,
    ),
    (
        "45-year-old with back pain and sciatica for 5 days; reports reduced sensation of rectal fullness.",
        {"rectal_fullness_sensation_lost"},
        "ces_sphincter_or_saddle",
        TriageLevel.EMERGENCY,
    ),
    (
        "39-year-old woman, 4 days of low back pain; she cannot feel the urine passing since yesterday.",
        {"urinary_stream_sensation_altered"},
        "ces_sphincter_or_saddle",
        TriageLevel.EMERGENCY,
    ),
    (
        "27-year-old man stabbed in the back with a knife; weakness of the left leg and loss of pain "
        "and temperature sensation in the right lower extremity.",
        {"significant_trauma"},
        "fracture_trauma_neuro",
        TriageLevel.EMERGENCY,
    ),
    (
        "80-year-old with atrial fibrillation: sudden severe pain in the right leg, absent pulses.",
        {"leg_pulseless"},
        "ali_pulseless_limb",
        TriageLevel.EMERGENCY,
    ),
]


@pytest.mark.parametrize(("note", "findings", "rule", "level"), NOTES, ids=[n[2] for n in NOTES])
def test_an_emergency_note_is_read_and_triaged(
    note: str, findings: set[str], rule: str, level: TriageLevel
) -> None:
    extraction = extract(note)
    present = {f.id for f in extraction.case.findings if f.status == "present"}
    assert findings <= present
    result = assess(extraction.case)
    assert result.triage.level == level
    assert rule in {flag.id for flag in result.triage.red_flags}


def test_negated_emergency_findings_are_read_as_absent() -> None:
    extraction = extract("No pulsatile mass. No abdominal pain. Not in a cast. Pulses present.")
    status = {f.id: f.status for f in extraction.case.findings}
    assert status.get("pulsatile_abdominal_mass") == "absent"
    assert status.get("abdominal_or_flank_pain") == "absent"
    assert "leg_pulseless" not in {i for i, s in status.items() if s == "present"}


def test_a_fall_on_an_anticoagulant_in_old_age_with_legs_that_will_not_move_is_an_emergency() -> None:
    from nervemap.engine.assess import assess
    from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]

    note = "An 80-year-old woman on apixaban fell and now has severe back pain and cannot move her legs."
    result = assess(extract(note).case)
    assert result.triage.level == "emergency"
    fired = {flag.id for flag in result.triage.red_flags}
    assert {"fracture_fragility_fall_neuro", "bleeding_risk_new_deficit"} <= fired


def test_a_fall_in_old_age_with_back_pain_but_no_deficit_is_not_an_emergency() -> None:
    from nervemap.engine.assess import assess
    from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]

    note = "An 80-year-old woman fell at home and now has back pain. Legs strong, sensation normal."
    result = assess(extract(note).case)
    assert result.triage.level in ("urgent", "soon")
    assert "fracture_fragility_fall_neuro" not in {flag.id for flag in result.triage.red_flags}


def test_heavy_legs_and_falls_with_a_cancer_history_are_cord_compression_symptoms() -> None:
    from nervemap.engine.assess import assess
    from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]

    note = (
        "45 year old man with a history of lung cancer, 2 months of back pain, worse at night, "
        "unintentional weight loss; legs now feel heavy and he has fallen twice."
    )
    result = assess(extract(note).case)
    assert result.triage.level == "emergency"
    assert "metastatic_spinal_disease" in [s.condition for s in result.triage.suspected]


def test_a_febrile_child_who_refuses_to_walk_is_an_emergency() -> None:
    from nervemap.engine.assess import assess
    from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]

    note = (
        "A 7-year-old boy with fever 39.4 refuses to walk, holds the right hip flexed and externally "
        "rotated, any movement of the hip is very painful."
    )
    result = assess(extract(note).case)
    assert result.triage.level == "emergency"
    assert "septic_arthritis_osteomyelitis_leg" in [s.condition for s in result.triage.suspected]


def test_an_afebrile_adult_who_cannot_walk_for_pain_is_not_the_child_septic_rule() -> None:
    from nervemap.engine.assess import assess
    from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]

    note = "A 40-year-old man with acute sciatica cannot walk for the pain. No fever."
    fired = {flag.id for flag in assess(extract(note).case).triage.red_flags}
    assert "septic_arthritis_child_fever_no_weight_bearing" not in fired


@pytest.mark.parametrize(
    ("note", "fires"),
    [
        ("On enoxaparin after knee surgery; platelets 45,000; swollen painful left calf.", True),
        ("On warfarin, platelets 45,000, swollen left calf.", False),
        ("On heparin, platelets 250,000, swollen left calf.", False),
    ],
)
def test_heparin_with_low_platelets_and_a_new_clot_is_hit(note: str, fires: bool) -> None:
    from nervemap.engine.assess import assess
    from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]

    result = assess(extract(note).case)
    fired = "heparin_induced_thrombocytopenia_thrombosis" in {flag.id for flag in result.triage.red_flags}
    assert fired is fires
    if fires:
        assert result.triage.level == "emergency"


def test_a_sore_knee_after_an_old_fall_is_not_a_fragility_fracture() -> None:
    from nervemap.engine.assess import assess
    from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]

    note = (
        "70 year old with knee pain on stairs for 2 years, morning stiffness 10 minutes, "
        "fell over a step last year."
    )
    fired = {flag.id for flag in assess(extract(note).case).triage.red_flags}
    assert "fracture_fragility" not in fired


def test_weakness_in_both_legs_is_not_read_as_bilateral_sciatica() -> None:
    from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]

    findings = {f.id for f in extract("Progressive weakness in both legs over two days.").case.findings}
    assert "bilateral_leg_weakness" in findings
    assert "bilateral_sciatica" not in findings


def test_leg_numbness_with_a_cancer_history_but_no_spinal_pain_is_not_an_mscc_emergency() -> None:
    # The symptom rule needs spinal pain (NICE NG234: pain suggesting spinal metastases with
    # neurological symptoms); numbness of the thigh alone has many other causes.
    extraction = extract("Known prostate cancer. Numbness over the outer thigh and tingling in the knee.")
    result = assess(extraction.case)
    assert "mscc_cancer_spinal_pain_neuro_symptoms" not in {flag.id for flag in result.triage.red_flags}


def test_a_known_aneurysm_without_pain_or_collapse_is_not_an_emergency_by_itself() -> None:
    extraction = extract("He has a 4.8 cm AAA under surveillance. Left knee pain for 3 months.")
    result = assess(extraction.case)
    assert "aaa_known_aneurysm_pain" not in {flag.id for flag in result.triage.red_flags}
