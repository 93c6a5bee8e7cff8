"""History, red-flag and laboratory phrasings met in published cases (issues 12 and 13): one test
per way of writing a finding, and the near misses that must not be read as it."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract


def findings(text: str) -> set[tuple[str, str]]:
    return {(f.id, f.status.value) for f in extract(text).case.findings}


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        # a joint with two signs of inflammation, one of them heat or redness
        ("The joint appears red and swollen and is hot to the touch.", "hot_swollen_joint"),
        ("On palpation the joint is red and warm.", "hot_swollen_joint"),
        ("The knee is swollen and hot.", "hot_swollen_joint"),
        # inflammatory markers written as raised, in either order
        ("Laboratory studies show increased serum CRP and procalcitonin levels.", "esr_crp_raised"),
        ("The ESR was markedly elevated.", "esr_crp_raised"),
        ("Elevated C-reactive protein.", "esr_crp_raised"),
        # anal tone
        ("The rectal examination revealed a weak rectal sphincter tone.", "reduced_anal_tone"),
        ("Anal sphincter tone was reduced.", "reduced_anal_tone"),
        # pain at night
        ("The pain is present throughout the day, and even at night when he lies down.", "night_pain"),
        ("Intense pain throughout the day that worsens at night.", "night_pain"),
        # the shopping-cart sign and cycling tolerance in the patient's words
        (
            "His back pain is improved only when he is pushing a cart at the grocery store.",
            "relief_bending_forward",
        ),
        ("The only time his pain is improved is when he is riding his bike.", "cycling_without_leg_pain"),
        # pulses
        ("Normal femoral and popliteal pulses with absence of distal pulses.", "peripheral_pulses_reduced"),
        # a fall and what follows it
        ("She suffers a fall in the street.", "minor_trauma"),
        ("He had a fall at home yesterday.", "minor_trauma"),
        ("After the fall it is impossible for her to stand.", "inability_to_bear_weight"),
        # pelvic surgery
        ("Difficulty walking after gynecologic surgery.", "recent_hip_or_pelvic_surgery"),
        # a wound
        ("Non-healing ulceration to the left hallux.", "skin_break_or_wound"),
        # the straight-leg raise described rather than named
        (
            "The pain appears when the lower limb is lifted with the knee extended, but is relieved when "
            "the knee is flexed.",
            "slr_positive",
        ),
    ],
)
def test_phrasing_is_read(text: str, finding: str) -> None:
    assert (finding, "present") in findings(text)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        # one sign of inflammation is not a hot swollen joint; a leg is not a joint
        ("The knee is swollen.", "hot_swollen_joint"),
        ("The calf is tender, erythematous and swollen.", "hot_swollen_joint"),
        # a normal marker is not raised
        ("CRP was normal.", "esr_crp_raised"),
        # normal tone
        ("Rectal examination showed normal anal tone.", "reduced_anal_tone"),
        # a weak calf or a hard chair is not an inability to bear weight
        ("He noticed that he was unable to stand on his right toe.", "inability_to_bear_weight"),
        ("She cannot stand up from a chair without her arms.", "inability_to_bear_weight"),
        ("He cannot stand for long because of leg pain.", "inability_to_bear_weight"),
        # a fall from a height is significant trauma, not a minor fall
        ("He suffered a fall from a ladder.", "minor_trauma"),
        # negated findings stay negated
        ("No night pain.", "night_pain"),
    ],
)
def test_near_miss_is_not_read(text: str, finding: str) -> None:
    assert (finding, "present") not in findings(text)


def test_negated_anal_tone_phrase_is_absent() -> None:
    assert ("reduced_anal_tone", "present") not in findings("There was no weak rectal sphincter tone.")


def test_is_negative_for_negates_what_follows() -> None:
    """medspaCy's backward 'was negative' must not leave 'negative for X' asserted."""
    assert ("fever", "absent") in findings("The blood work was negative for fever.")
    assert ("leg_bone_infection", "present") not in findings("The X-ray is negative for osteomyelitis.")


def test_the_history_a_patient_presents_with_is_current() -> None:
    text = "A 37-year-old man presenting with a history of chronic, persistent low back pain."
    assert ("back_pain", "present") in findings(text)


def test_leg_pain_of_radicular_character_is_radiating_leg_pain() -> None:
    text = "Chronic low back pain as well as left lower extremity pain of radicular character."
    assert ("radiating_leg_pain", "present") in findings(text)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("A 55-year-old man.", 55.0),
        ("She is 62 years of age.", 62.0),
        ("Age: 70 years.", 70.0),
        ("A 45 years male with back pain.", 45.0),
        ("A 37 yo M with sciatica.", 37.0),
        # a duration in years is not an age
        ("She smokes one pack a day for the last 30 years.", None),
    ],
)
def test_age_is_an_age_not_a_duration(text: str, age: float | None) -> None:
    assert extract(text).case.age == age


def test_metastases_named_with_the_bones_they_involve_are_a_bone_lesion() -> None:
    text = (
        "Lung cancer, which has spread to metastasis in both femurs, her lower lumbar spine and her pelvis."
    )
    assert ("imaging_bone_lesion", "present") in findings(text)
    assert ("imaging_bone_lesion", "present") not in findings("No evidence of metastases to the spine.")
    assert ("imaging_bone_lesion", "present") not in findings("CT scans looking for metastasis.")


def test_inability_to_ambulate_is_an_inability_to_bear_weight() -> None:
    assert ("inability_to_bear_weight", "present") in findings(
        "Pain and inability to ambulate brought him in."
    )


def test_a_history_of_a_degenerative_diagnosis_is_current() -> None:
    """Osteoarthritis does not resolve: 'a history of' it is still present; a past fever is not."""
    text = "This is a 56-year-old woman with a history of bilateral degenerative hip arthritis."
    assert ("imaging_hip_osteoarthritis", "present") in findings(text)
    assert ("imaging_disc_degeneration", "present") in findings("History of degenerative disc disease.")
    assert ("fever", "present") not in findings("History of fever last year.")


def test_tenderness_over_a_named_vertebra_is_spinal_tenderness() -> None:
    text = "There is severe tenderness on palpation over the L2 vertebra; range of motion is limited."
    assert ("spinal_midline_tenderness", "present") in findings(text)
    assert ("spinal_midline_tenderness", "absent") in findings("No tenderness over the L2 vertebra.")


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        (
            "He says it is a general stiffness that improves when he goes to the gym.",
            "back_pain_improves_with_exercise",
        ),
        ("His pain improves when he moves around.", "back_pain_improves_with_exercise"),
        (
            "He feels stiff every morning and this usually lasts between 30 minutes and an hour.",
            "morning_stiffness_over_30_min",
        ),
    ],
)
def test_inflammatory_back_pain_features_in_the_patients_words(text: str, finding: str) -> None:
    assert (finding, "present") in findings(text)


def test_pain_that_improves_with_rest_is_not_inflammatory() -> None:
    assert ("back_pain_improves_with_exercise", "present") not in findings("The pain improves with rest.")
