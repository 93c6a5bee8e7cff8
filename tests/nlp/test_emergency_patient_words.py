"""Emergencies in the words patients and busy clinicians use, and their denials."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import status_of


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Today she could not feel the toilet paper when wiping.", "saddle_numbness"),
        ("He can't feel the tissue when he wipes.", "saddle_numbness"),
        ("She says her bottom feels numb.", "saddle_numbness"),
        ("Numbness around the back passage since last night.", "saddle_numbness"),
        ("She has not passed urine since the morning.", "urinary_retention"),
        ("He hasn't passed water all day.", "urinary_retention"),
        (
            "Severe calf pain not relieved by morphine, pain on passive toe extension, tense calf.",
            "tense_swollen_compartment",
        ),
        (
            "Severe calf pain not relieved by morphine and pain on passive toe extension.",
            "pain_on_passive_stretch",
        ),
    ],
)
def test_an_emergency_in_plain_words_is_read_as_present(text: str, finding: str) -> None:
    assert status_of(text, finding) == "present"


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("She denies any numbness around the back passage.", "saddle_numbness"),
        ("No saddle anaesthesia.", "saddle_numbness"),
        ("No difficulty passing urine, no retention.", "urinary_retention"),
        ("She has some numbness in the bottom of her left foot.", "saddle_numbness"),
        ("The bottom of the foot is numb.", "saddle_numbness"),
    ],
)
def test_a_denial_stays_a_denial(text: str, finding: str) -> None:
    assert status_of(text, finding) in ("absent", None)


def test_a_compartment_syndrome_in_a_kicked_shin_is_an_emergency() -> None:
    from nervemap.engine.assess import assess

    note = (
        "Footballer, 24, kicked in the shin 6 hours ago, now severe increasing calf pain not relieved "
        "by morphine, pain on passive toe extension, tense calf."
    )
    result = assess(extract(note).case)
    assert result.triage.level == "emergency"
    assert "acute_compartment_syndrome" in [s.condition for s in result.triage.suspected]


def test_saddle_numbness_and_retention_in_plain_words_are_an_emergency() -> None:
    from nervemap.engine.assess import assess

    note = (
        "A 40-year-old woman has had low back pain for a week; today she noticed she could not feel "
        "the toilet paper when wiping and has not passed urine since the morning."
    )
    result = assess(extract(note).case)
    assert result.triage.level == "emergency"
    assert "cauda_equina_syndrome" in [s.condition for s in result.triage.suspected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He had a ground-level fall; we used a LISS femoral locking plate.", "present"),
        ("Open reduction and internal fixation of the left distal tibia.", "present"),
        ("Spinal fixation with pedicle screws at L4-5.", None),
    ],
)
def test_fixation_hardware_on_a_leg_bone_implies_its_fracture(text: str, expected: str | None) -> None:
    assert status_of(text, "xray_leg_fracture") == expected


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("She has lost control of her bowels.", "bowel_incontinence_new"),
        ("He is incontinent of stool since this morning.", "bowel_incontinence_new"),
        ("He lost control of his bladder last night.", "urinary_incontinence_new"),
        ("Anal tone is lax.", "reduced_anal_tone"),
        ("Rectal tone was decreased.", "reduced_anal_tone"),
        ("He reports loss of sexual function.", "sexual_dysfunction_new"),
        ("Difficulty initiating micturition for two days.", "bladder_sensation_altered"),
        ("He has to strain to pass urine.", "bladder_sensation_altered"),
        ("Altered urinary sensation.", "bladder_sensation_altered"),
        ("Post-void bladder scan showed 650 ml.", "post_void_residual_over_200ml"),
        ("A 52-year-old man who injects drugs has back pain.", "iv_drug_use"),
        ("Bilateral Babinski signs.", "extensor_plantar"),
        ("He has tenderness over L3.", "spinal_midline_tenderness"),
        ("A 68-year-old smoker collapsed with abdominal and back pain.", "syncope_or_collapse"),
        # the main clause's verb ends the scope of "history of": the back pain is current
        ("A woman with a history of breast cancer has severe back pain.", "back_pain"),
    ],
)
def test_red_flag_wording_found_missing_is_read_as_present(text: str, finding: str) -> None:
    # H8 (issue 13 safety): wordings of red flags the reader missed
    assert status_of(text, finding) == "present"


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("No loss of bowel or bladder control.", "bowel_incontinence_new"),
        ("Denies difficulty initiating micturition.", "bladder_sensation_altered"),
        ("Babinski signs are negative.", "extensor_plantar"),
        ("Tenderness over the L4 paraspinals.", "spinal_midline_tenderness"),
        ("Tender at L4-5 on the left.", "spinal_midline_tenderness"),
        ("Collapsed L1 vertebra on the radiograph.", "syncope_or_collapse"),
    ],
)
def test_red_flag_wording_denials_and_look_alikes_are_not_present(text: str, finding: str) -> None:
    assert status_of(text, finding) in ("absent", None)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("She says she can't feel herself when she wipes after the toilet.", "saddle_numbness"),
        ("He has not been able to pee since last night.", "urinary_retention"),
        ("A suddenly painful, cold, numb right foot.", "cold_pale_limb"),
        ("Cold right foot with no pulses.", "leg_pulseless"),
        ("After the fracture the calf is tense.", "tense_swollen_compartment"),
        ("Severe calf pain, worse when the toes are moved.", "pain_on_passive_stretch"),
        ("A red, swollen, very painful calf.", "leg_redness_warmth"),
        ("A red, swollen calf with crepitus.", "skin_necrosis_or_crepitus"),
    ],
)
def test_limb_and_sphincter_emergencies_in_plain_words_are_read(text: str, finding: str) -> None:
    # H8 (issue 13 safety): each of these notes was triaged routine, urgent or soon before
    assert status_of(text, finding) == "present"


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("No pulse oximetry was available.", "leg_pulseless"),
        ("Red and swollen knee.", "leg_redness_warmth"),
        ("Crepitus of the knee on flexion.", "skin_necrosis_or_crepitus"),
    ],
)
def test_limb_emergency_look_alikes_are_not_read(text: str, finding: str) -> None:
    assert status_of(text, finding) in ("absent", None)
