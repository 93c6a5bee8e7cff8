"""General reading errors found on the development set (issues 12 and 14): hedged imaging,
extent of radiating pain, hip pain, levels of a mixed-region sentence, stocking sensory symptoms
and past surgical history lists."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import statuses


def _imaging(text: str) -> set[tuple[str, str]]:
    return {(i.kind, i.level) for i in extract(text).case.imaging}


@pytest.mark.parametrize(
    "text",
    [
        "CT myelogram: stenosis at L2-L3, but the radiologist felt this could be artefact.",
        "Lumbar MRI: L5-S1 disc protrusion, possibly artifactual.",
        "A far lateral disc herniation at L4-L5 cannot be excluded.",
        "Cannot exclude a disc extrusion at L3-L4.",
        "Questionable stenosis at L4-L5.",
        "Foraminal stenosis at L4-L5 is equivocal.",
    ],
)
def test_a_hedged_imaging_lesion_is_not_read_as_present(text: str) -> None:
    assert _imaging(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MRI: disc protrusion at L5-S1; motion artifact degrades the images.", ("disc-herniation", "L5-S1")),
        ("Severe stenosis at L3-L4 with some motion artifact.", ("stenosis", "L3-L4")),
    ],
)
def test_an_artefact_that_only_degrades_the_study_does_not_hedge_the_lesion(
    text: str, expected: tuple[str, str]
) -> None:
    assert expected in _imaging(text)


def test_levels_go_to_the_region_they_are_named_with() -> None:
    text = "CT myelogram: cervical canal stenosis at C5-C6 and C6-C7, and lumbar stenosis at L2-L3 and L3-L4."
    assert _imaging(text) == {("stenosis", "L2-L3"), ("stenosis", "L3-L4")}


def test_a_cervical_lesion_alone_is_still_skipped() -> None:
    assert _imaging("Cervical spine MRI: a disc herniation at C6-C7 compressing the cord.") == set()
    case = extract("Cervical spine MRI: broad-based disc herniation with cord flattening.").case
    assert not [f for f in case.findings if f.id == "imaging_disc_herniation"]


@pytest.mark.parametrize(
    "text",
    [
        "MRI of the lumbar spine without contrast shows a disc extrusion at L4-L5.",
        "Non-contrast CT: disc extrusion at L4-L5.",
    ],
)
def test_imaging_without_contrast_does_not_deny_the_lesion(text: str) -> None:
    assert _imaging(text) == {("disc-herniation", "L4-L5")}


def _pain(text: str) -> set[tuple[str, str | None]]:
    case = extract(text).case
    return {(m.region, m.side) for m in case.pain_map or [] if m.kind.value == "pain"}


THIGH = {"thigh_anterior", "thigh_lateral", "thigh_medial", "thigh_posterior"}


@pytest.mark.parametrize(
    "text",
    [
        "Her sciatica travels from the left buttock down to the knee.",
        "The left leg pain radiates only as far as the knee.",
        "Burning pain shooting up to the knee on the left side.",
    ],
)
def test_the_knee_as_the_extent_of_a_radiating_pain_is_pain_above_it(text: str) -> None:
    regions = {region for region, _ in _pain(text)}
    assert regions >= THIGH
    assert not regions & {"knee_anterior", "knee_medial", "knee_lateral", "popliteal_fossa"}


def test_knee_pain_is_still_knee_pain() -> None:
    assert ("knee_anterior", "left") in _pain("Left knee pain when climbing stairs.")


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("She has had pain in the right hip for two months.", "right"),
        ("Left hip pain, worse on weight bearing.", "left"),
    ],
)
def test_hip_pain_is_pain_about_the_hip(text: str, side: str) -> None:
    assert {("groin", side), ("buttock", side), ("hip_lateral", side)} <= _pain(text)


def test_hip_words_without_pain_mark_no_pain() -> None:
    assert _pain("Hip flexion is 5/5 bilaterally. Range of motion of the hips is full.") == set()


def _recent_surgery(text: str) -> str | None:
    found = [f.status.value for f in extract(text).case.findings if f.id == "recent_hip_or_pelvic_surgery"]
    return found[0] if found else None


@pytest.mark.parametrize(
    "text",
    [
        "CHIEF COMPLAINT: Back pain.\nPAST SURGICAL HISTORY: Appendectomy and abdominal hysterectomy.\n",
        "Past surgical history:\n1. Tonsillectomy.\n2. Caesarean section.\n",
        "She has had a hysterectomy.",
        "He had a total hip arthroplasty in 2003.",
    ],
)
def test_an_operation_in_a_past_history_list_or_undated_is_not_recent(text: str) -> None:
    assert _recent_surgery(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Three weeks ago she underwent an abdominal hysterectomy in the lithotomy position.",
        "Numb anterior thigh since her hip arthroplasty.",
        "He had a right total hip replacement last year. Since then his foot has been dropping.",
        "HISTORY OF PRESENT ILLNESS: She delivered by caesarean section and then could not lift her leg.",
    ],
)
def test_an_operation_the_note_makes_recent_is_read(text: str) -> None:
    assert _recent_surgery(text) == "present"


@pytest.mark.parametrize(
    ("text", "also"),
    [
        ("For a month she has had pins and needles in both feet.", "leg_tingling"),
        ("Progressive numbness involving the feet over two years.", "leg_numbness"),
        ("He reports bilateral lower extremity dysesthesias at night.", "leg_tingling"),
        ("Paresthesias and numbness of both lower extremities.", "leg_numbness"),
    ],
)
def test_sensory_symptoms_of_both_feet_or_lower_limbs_are_distal_symmetric(text: str, also: str) -> None:
    found = statuses(text)
    assert found.get("distal_symmetric_sensory_symptoms") == "present"
    assert found.get(also) == "present"


@pytest.mark.parametrize(
    "text",
    ["Numbness over the dorsum of the left foot.", "Tingling down the back of the right leg into the sole."],
)
def test_one_sided_sensory_symptoms_are_not_distal_symmetric(text: str) -> None:
    assert "distal_symmetric_sensory_symptoms" not in statuses(text)


def test_denied_sensory_symptoms_of_both_feet_are_absent() -> None:
    found = statuses("She denies numbness or tingling in the feet.")
    assert found.get("distal_symmetric_sensory_symptoms") == "absent"


@pytest.mark.parametrize(
    "text",
    [
        "Pinprick is reduced in both legs from just above the knees distally.",
        "Numbness in both feet up to the knees.",
        "Pain in the left calf radiating up to the knee.",
    ],
)
def test_a_knee_extent_reached_from_below_or_of_a_sensory_loss_is_not_the_thigh(text: str) -> None:
    case = extract(text).case
    assert not {m.region for m in case.pain_map or []} & THIGH


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("MR imaging of the lumbar spine showed a disc bulge.", None),
        ("Known MS, now with leg numbness.", None),
        ("Mr Patel reports sciatica.", "male"),
        ("Ms Okafor reports sciatica.", "female"),
    ],
)
def test_titles_keep_their_case(text: str, sex: str | None) -> None:
    assert extract(text).case.sex == sex


def test_side_words_of_paralumbar_pain_stay_with_the_back() -> None:
    text = "Lumbar paraspinal pain on both the left and right sides, and occasional right leg pain."
    sides = {side for region, side in _pain(text) if region == "calf"}
    assert sides == {"right"}


@pytest.mark.parametrize(
    "text",
    [
        "Examination: pain with movement without restriction of range of motion of the left hip.",
        "Pain on manipulation of the left hip, no limitation of movement of the hip.",
    ],
)
def test_a_full_range_of_motion_does_not_deny_the_joints_pain(text: str) -> None:
    # "without restriction of range of motion" denies the restriction, not the hip's pain
    assert ("groin", "left") in _pain(text)


def test_a_denied_hip_pain_is_still_denied() -> None:
    assert _pain("There is no pain in the left hip.") == set()


def _finding(text: str, finding: str) -> str | None:
    found = [str(f.status) for f in extract(text).case.findings if f.id == finding]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Examination of the neck shows warmth and erythema.", "leg_redness_warmth"),
        ("There is swelling of the right forearm.", "leg_swelling"),
    ],
)
def test_redness_or_swelling_of_the_arm_or_neck_is_not_the_legs(text: str, finding: str) -> None:
    assert _finding(text, finding) is None


def test_redness_and_swelling_of_the_leg_are_still_read() -> None:
    text = "Left calf swelling with redness and warmth."
    assert _finding(text, "leg_redness_warmth") == "present"
    assert _finding(text, "leg_swelling") == "present"
