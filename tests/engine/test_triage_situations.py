"""The situations of issue 13 ("No missed emergency"), each at the right level with the right rule.

Every case is written from the clinical story, not from a data set; the assertion names the rule
(or probability channel) that must carry the level, so a right answer for a wrong reason fails.
"""

from __future__ import annotations

from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.knowledge.models import TriageLevel


def _case(findings: list[str], absent: tuple[str, ...] = (), **fields: Any) -> Case:
    items: list[dict[str, Any]] = [{"id": f, "status": "present"} for f in findings]
    items += [{"id": f, "status": "absent"} for f in absent]
    return Case.model_validate({"findings": items, **fields})


def _rules(assessment: Assessment) -> set[str]:
    return {flag.id for flag in assessment.triage.red_flags}


def _suspected(assessment: Assessment) -> list[str]:
    return [s.condition for s in assessment.triage.suspected]


# ------------------------------------------------------------------ urgency from both posteriors


def test_likely_metastasis_is_urgent_even_when_its_evidence_is_all_red_flags() -> None:
    """Months of back pain, new sciatica, weight loss, anaemia, fragility fracture: not routine."""
    case = _case(
        [
            "back_pain",
            "radiating_leg_pain",
            "unexplained_weight_loss",
            "recent_bacterial_infection",
            "haemoglobin_low",
            "osteoporosis",
            "night_pain",
        ],
        age=56,
        sex="male",
        duration_days=120,
    )
    result = assess(case)
    assert result.triage.level in (TriageLevel.URGENT, TriageLevel.EMERGENCY)
    assert "malignancy_features_neuro" in _rules(result)
    assert "metastatic_spinal_disease" in _suspected(result)


def test_the_full_posterior_channel_is_reported_in_the_basis() -> None:
    case = _case(["back_pain", "history_of_cancer", "unexplained_weight_loss", "night_pain"], age=67)
    result = assess(case)
    assert any("all findings" in line for line in result.triage.basis)
    assert any("red flags aside" in line for line in result.triage.basis)


# ------------------------------------------------------------------ cauda equina


@pytest.mark.parametrize(
    "feature", ["bilateral_sciatica", "sexual_dysfunction_new", "bilateral_leg_weakness"]
)
def test_a_new_single_cauda_equina_feature_is_an_emergency(feature: str) -> None:
    result = assess(_case(["back_pain", feature], age=41, duration_days=6))
    assert result.triage.level == TriageLevel.EMERGENCY
    assert "ces_single_feature_new" in _rules(result)
    assert _suspected(result)[0] == "cauda_equina_syndrome"


def test_a_progressing_bilateral_feature_is_an_emergency_whatever_the_duration() -> None:
    result = assess(_case(["bilateral_sciatica", "progressive_symptoms"], age=52, duration_days=200))
    assert result.triage.level == TriageLevel.EMERGENCY
    assert "ces_single_feature_new" in _rules(result)


def test_chronic_stable_bilateral_claudicant_pain_is_not_an_emergency() -> None:
    """Long-standing bilateral leg pain on walking, relieved by sitting: stenosis, not CES."""
    case = _case(
        ["bilateral_sciatica", "leg_pain_on_walking", "relief_bending_forward", "limited_walking_distance"],
        absent=(
            "progressive_symptoms",
            "progressive_weakness",
            "bladder_sensation_altered",
            "saddle_numbness",
        ),
        age=72,
        duration_days=400,
    )
    result = assess(case)
    assert "ces_single_feature_new" not in _rules(result)
    assert result.triage.level != TriageLevel.EMERGENCY


@pytest.mark.parametrize("finding", ["rectal_fullness_sensation_lost", "urinary_stream_sensation_altered"])
def test_the_cks_sensory_items_are_cauda_equina_emergencies(finding: str) -> None:
    result = assess(_case(["back_pain", "radiating_leg_pain", finding], age=38, duration_days=10))
    assert result.triage.level == TriageLevel.EMERGENCY
    assert "ces_sphincter_or_saddle" in _rules(result)


def test_self_care_needs_altered_bladder_sensation_denied() -> None:
    denied = ("urinary_retention", "bowel_incontinence_new", "saddle_numbness", "fever", "history_of_cancer")
    without = assess(_case(["back_pain"], absent=denied, age=30, duration_days=5))
    assert without.triage.level != TriageLevel.SELF_CARE
    assert "bladder_sensation_altered" in without.triage.reason
    screened = assess(
        _case(["back_pain"], absent=(*denied, "bladder_sensation_altered"), age=30, duration_days=5)
    )
    assert "bladder_sensation_altered" not in screened.triage.reason


# ------------------------------------------------------------------ outside the spine


def test_pain_out_of_proportion_after_a_fracture_in_a_cast_is_compartment_syndrome() -> None:
    case = _case(
        ["pain_out_of_proportion", "xray_leg_fracture", "tight_cast_or_dressing", "calf_pain"], age=24
    )
    result = assess(case)
    assert result.triage.level == TriageLevel.EMERGENCY
    assert "compartment_syndrome_after_injury" in _rules(result)


def test_pain_on_passive_stretch_after_injury_is_compartment_syndrome() -> None:
    result = assess(_case(["leg_trauma", "pain_on_passive_stretch"], age=31))
    assert result.triage.level == TriageLevel.EMERGENCY
    assert "compartment_syndrome_after_injury" in _rules(result)


def test_back_and_groin_pain_with_hypotension_in_an_older_smoker_is_a_leaking_aneurysm() -> None:
    case = _case(["back_pain", "groin_pain", "smoking", "systolic_bp_below_90"], age=71, sex="male")
    result = assess(case)
    assert result.triage.level == TriageLevel.EMERGENCY
    assert "aaa_pain_hypotension_older" in _rules(result)


def test_flank_pain_with_a_pulsatile_mass_is_an_aneurysm_at_any_age() -> None:
    result = assess(_case(["abdominal_or_flank_pain", "pulsatile_abdominal_mass"], age=55))
    assert result.triage.level == TriageLevel.EMERGENCY
    assert "aaa_pulsatile_mass_pain" in _rules(result)


def test_a_shortened_externally_rotated_leg_after_a_fall_is_a_hip_fracture_emergency() -> None:
    case = _case(
        ["fall_from_standing", "groin_pain", "shortened_externally_rotated_leg"], age=84, sex="female"
    )
    result = assess(case)
    assert result.triage.level == TriageLevel.EMERGENCY
    assert "hip_fracture_deformity" in _rules(result)
    assert result.triage.suspected[0].rule == "hip_fracture_deformity"


def test_a_fall_with_groin_pain_and_unable_to_bear_weight_is_at_least_urgent() -> None:
    case = _case(["fall_from_standing", "groin_pain", "inability_to_bear_weight"], age=79, sex="female")
    result = assess(case)
    assert result.triage.level in (TriageLevel.URGENT, TriageLevel.EMERGENCY)
    assert "hip_fracture_fall_cannot_bear_weight" in _rules(result)


def test_thigh_weakness_and_groin_pain_with_a_high_inr_is_a_haematoma_emergency() -> None:
    case = _case(
        ["weak_knee_extension", "groin_pain", "inr_above_range", "sudden_onset", "anterior_thigh_pain"],
        age=68,
        duration_days=2,
    )
    result = assess(case)
    assert result.triage.level == TriageLevel.EMERGENCY
    assert {"femoral_nerve_haematoma", "bleeding_risk_new_deficit"} <= _rules(result)


def test_new_weakness_with_low_platelets_is_a_haematoma_emergency() -> None:
    result = assess(_case(["platelets_low", "motor_deficit", "back_pain"], age=60, duration_days=3))
    assert result.triage.level == TriageLevel.EMERGENCY
    assert "bleeding_risk_new_deficit" in _rules(result)


def test_anticoagulant_with_old_stable_weakness_does_not_fire_the_haematoma_rule() -> None:
    case = _case(
        ["anticoagulant_use", "motor_deficit"],
        absent=("sudden_onset", "progressive_weakness", "progressive_symptoms"),
        age=70,
        duration_days=300,
    )
    assert "bleeding_risk_new_deficit" not in _rules(assess(case))


def test_a_pulseless_painful_leg_is_acute_limb_ischaemia() -> None:
    result = assess(_case(["leg_pulseless", "sudden_severe_leg_pain"], age=77))
    assert result.triage.level == TriageLevel.EMERGENCY
    assert "ali_pulseless_limb" in _rules(result)
    assert "acute_limb_ischaemia" in _suspected(result)


def test_new_foot_drop_is_urgent() -> None:
    result = assess(_case(["foot_drop", "radiating_leg_pain"], age=45, duration_days=4))
    assert result.triage.level in (TriageLevel.URGENT, TriageLevel.EMERGENCY)
    assert "motor_deficit_severe_or_progressive" in _rules(result)


def test_two_fragility_risk_factors_with_back_pain_ask_for_imaging_soon() -> None:
    result = assess(_case(["back_pain", "osteoporosis", "long_term_corticosteroids"], age=66, sex="female"))
    assert "fracture_risk_combination" in _rules(result)
    assert result.triage.level != TriageLevel.ROUTINE


def test_necrotising_infection_with_hypotension_is_an_emergency() -> None:
    result = assess(_case(["leg_redness_warmth", "systolic_bp_below_90"], age=58))
    assert result.triage.level == TriageLevel.EMERGENCY
    assert "nsti_red_leg_severe" in _rules(result)


def test_back_pain_with_hypercalcaemia_at_68_is_urgent_for_myeloma() -> None:
    result = assess(_case(["back_pain", "calcium_raised"], age=68, sex="female", duration_days=210))
    assert result.triage.level in (TriageLevel.URGENT, TriageLevel.EMERGENCY)
    assert "myeloma_hypercalcaemia_back_pain" in _rules(result)


def test_raised_ck_with_raised_creatinine_and_potassium_is_not_routine() -> None:
    """Rhabdomyolysis after exertion: outside the model, but the blood results set the level."""
    case = _case(
        [
            "calf_pain",
            "anterior_thigh_pain",
            "recent_strenuous_activity",
            "creatine_kinase_raised",
            "creatinine_raised",
            "potassium_raised",
        ],
        age=24,
        duration_days=2,
    )
    result = assess(case)
    assert result.triage.level in (TriageLevel.URGENT, TriageLevel.EMERGENCY)
    assert "rhabdomyolysis_kidney_or_potassium" in _rules(result)
    assert not result.fit.adequate


def test_foot_drop_suspects_the_lesion_the_differential_favours() -> None:
    """A foot drop sparing inversion and hip abduction, Tinel at the fibular head, no back pain:
    the urgent rule names a peroneal neuropathy, not a disc."""
    from nervemap.engine.assess import assess

    case = {
        "age": 29,
        "sex": "female",
        "pain_map_complete": False,
        "pain_map": [{"region": "foot_dorsum", "side": "left", "kind": "numbness"}],
        "strength": [
            {"movement": "ankle_dorsiflexion", "side": "left", "grade": 2},
            {"movement": "ankle_eversion", "side": "left", "grade": 3},
            {"movement": "ankle_inversion", "side": "left", "grade": 5},
            {"movement": "hip_abduction", "side": "left", "grade": 5},
        ],
        "findings": [
            {"id": "tinel_fibular_head", "side": "left"},
            {"id": "back_pain", "status": "absent"},
        ],
    }
    result = assess(case)
    assert result.triage.level == "urgent"
    suspected = [s.condition for s in result.triage.suspected]
    assert "common_fibular_neuropathy" in suspected
    assert "lumbar_disc_herniation" not in suspected
