"""Walking-provoked leg symptoms, relief by rest, slope and inflammatory rhythm in the patient's
words (issue 12, development-set misses): one test per way of writing a finding, and the near
misses that must keep their own reading."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract


def findings(text: str) -> set[tuple[str, str]]:
    return {(f.id, f.status.value) for f in extract(text).case.findings}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("While he walks, he feels numbness and weakness in his legs.", "leg_pain_on_walking"),
        ("Her calves ache when she walks two blocks.", "leg_pain_on_walking"),
        ("His right calf cramps when he uses the incline feature on the treadmill.", "leg_pain_on_walking"),
        (
            "His right calf cramps when he uses the incline feature on the treadmill.",
            "pain_worse_walking_uphill",
        ),
        ("The pain completely disappears after resting for a few minutes.", "relief_standing_still"),
        ("The calf pain goes away with rest.", "relief_standing_still"),
        ("Lumbosacral pain of inflammatory rhythm of 4 months of evolution.", "inflammatory_back_pain"),
    ],
)
def test_phrasing_is_read(text: str, expected: str) -> None:
    assert (expected, "present") in findings(text)


def test_walking_rule_leaves_the_symptom_to_its_own_rule() -> None:
    # the walking rule's span stops before "numbness", so numbness is still read
    got = findings("While he walks, he feels numbness in his legs.")
    assert ("leg_pain_on_walking", "present") in got
    assert ("leg_numbness", "present") in got


def test_negated_incline_is_absent() -> None:
    assert ("pain_worse_walking_uphill", "absent") in findings("He has no pain when he walks on an incline.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Also bilateral thalalgia and morning stiffness for 1 hour.", "heel_enthesitis"),
        ("She had an episode of acute anterior uveitis last year.", "anterior_uveitis_history"),
        ("His father has ankylosing spondylitis.", "family_history_spondyloarthritis"),
        ("There is a family history of psoriasis.", "family_history_spondyloarthritis"),
        ("The back pain responds well to NSAIDs.", "nsaid_good_response"),
    ],
)
def test_spondyloarthritis_feature_is_read(text: str, expected: str) -> None:
    assert (expected, "present") in findings(text)


@pytest.mark.parametrize(
    "text",
    [
        "Moderately severe stenosis in the superficial femoral popliteal and tibial arteries.",
        "Functional occlusion of the distal left superficial femoral artery.",
        "The right external iliac has a proximal 75% lesion.",
    ],
)
def test_leg_artery_stenosis_on_imaging_is_read(text: str) -> None:
    assert ("imaging_leg_artery_stenosis", "present") in findings(text)


def test_spinal_stenosis_is_not_an_artery_stenosis() -> None:
    got = findings("MRI shows severe stenosis at L4-5 with narrowing of the lateral recess.")
    assert not any(fid == "imaging_leg_artery_stenosis" for fid, _ in got)


def test_bragard_sign_is_a_straight_leg_raise_result() -> None:
    got = {
        (f.id, f.status.value, f.side)
        for f in extract(
            "Positive Bragard sign on the right. Bragard's sign was negative on the left."
        ).case.findings
    }
    assert ("slr_positive", "present", "right") in got
    assert ("slr_positive", "absent", "left") in got


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Ultrasonography of the left leg shows incompressibility of the popliteal vein.", "present"),
        ("The left popliteal vein was non-compressible.", "present"),
        ("The femoral and popliteal veins were fully compressible.", "absent"),
    ],
)
def test_compression_ultrasound_sign_is_read(text: str, status: str) -> None:
    assert ("duplex_dvt_positive", status) in findings(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a heading then "No ...": the negation looks forward, as "no" does anywhere else
        ("REVIEW OF SYSTEMS: No fevers, no headaches.", {("fever", "absent")}),
        ("He is single.\nREVIEW OF SYSTEMS: No fevers, no headaches.", {("fever", "absent")}),
        ("EXTREMITIES: No calf swelling or calf tenderness appreciated.", {("leg_swelling", "absent")}),
        (
            "Back pain: no radiation to the legs.",
            {("back_pain", "present"), ("radiating_leg_pain", "absent")},
        ),
        # the checklist answer still negates its label
        ("Fever: no.", {("fever", "absent")}),
        ("He is single.\nFever: No.", {("fever", "absent")}),
    ],
)
def test_negation_after_a_heading_colon(text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= findings(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # leg arterial disease is its own finding, not coronary or cerebrovascular disease (issue 12, H13)
        (
            "He has a history of peripheral vascular disease and congestive heart failure.",
            "known_peripheral_arterial_disease",
        ),
        ("History of peripheral artery disease.", "known_peripheral_arterial_disease"),
        ("She carries a diagnosis of atherosclerotic cerebrovascular disease.", "cardiovascular_disease"),
    ],
)
def test_atherosclerotic_disease_synonyms_are_read(text: str, expected: str) -> None:
    assert (expected, "present") in findings(text)


@pytest.mark.parametrize(
    ("text", "side"),
    [("He has pain in the left lower extremity.", "left"), ("She reports right lower limb pain.", "right")],
)
def test_lower_extremity_pain_is_pain_somewhere_in_that_leg(text: str, side: str) -> None:
    marks = {(m.region, m.side) for m in extract(text).case.pain_map or []}
    assert {("thigh_anterior", side), ("calf", side), ("foot_dorsum", side)} <= marks
