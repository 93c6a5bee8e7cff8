"""Clinicians' R/L shorthand and a disc named by its zone."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def test_r_and_l_before_a_body_part_or_after_a_grade_are_sides() -> None:
    case = extract(
        "52M, 6 weeks of R anterior thigh pain to the knee, quads 4/5 R, R knee jerk reduced, "
        "FNST positive R."
    ).case
    assert {(s.movement, s.side, s.grade) for s in case.strength} == {("knee_extension", "right", 4)}
    assert {(r.reflex, r.side) for r in case.reflexes} == {("patellar", "right")}
    assert {(m.region, m.side) for m in case.pain_map or []} >= {("thigh_anterior", "right")}


def test_a_level_is_never_a_side() -> None:
    case = extract("MRI: L4/5 left paracentral disc protrusion. Left EHL 4/5.").case
    assert [(i.level, i.side) for i in case.imaging] == [("L4-L5", "left")]
    assert {(s.movement, s.side) for s in case.strength} == {("great_toe_extension", "left")}


def test_a_disc_named_by_its_zone_is_a_herniation_at_that_level() -> None:
    case = extract("MRI: R far-lateral L3/4 disc.").case
    assert [(i.kind, i.level, i.zone.value if i.zone else None, i.side) for i in case.imaging] == [
        ("disc-herniation", "L3-L4", "far-lateral", "right")
    ]


def test_tinel_behind_the_medial_malleolus_is_the_tarsal_tunnel() -> None:
    case = extract("Burning sole. Tinel positive behind the right medial malleolus.").case
    assert ("tinel_tarsal_tunnel", "present") in {(f.id, str(f.status)) for f in case.findings}


def test_clinicians_df_and_pf_are_ankle_movements() -> None:
    case = extract("Power: L EHL 3/5, L ankle DF 4/5. R PF 4/5.").case
    found = {(s.movement, s.side, s.grade) for s in case.strength}
    assert ("ankle_dorsiflexion", "left", 4) in found
    assert ("ankle_plantarflexion", "right", 4) in found
    assert not {s.movement for s in extract("The pdf of the df report.").case.strength}


def test_a_count_of_heel_raises_is_not_a_reflex_grade() -> None:
    case = extract(
        "R ankle jerk absent, R calf raise weak (can only do 3 single leg heel raises vs 12 on L)."
    ).case
    assert {(r.reflex, r.side, r.grade) for r in case.reflexes} == {("achilles", "right", 0)}


def test_each_grade_in_a_list_grades_the_name_it_stands_before() -> None:
    case = extract("Absent left ankle reflex, reduced left knee jerk. Reduced R ankle jerk.").case
    assert {(r.reflex, r.side, r.grade) for r in case.reflexes} == {
        ("achilles", "left", 0),
        ("patellar", "left", 1),
        ("achilles", "right", 1),
    }


def test_cant_walk_on_tiptoes_is_a_toe_walking_difficulty() -> None:
    case = extract("Pain to the heel; she can't walk on tiptoes on the left.").case
    assert ("toe_walking_difficulty", "present") in {(f.id, str(f.status)) for f in case.findings}


def test_pain_and_stiffness_of_both_shoulders_is_shoulder_girdle_pain() -> None:
    case = extract("3 weeks of pain and stiffness of both shoulders and hips, worse in the morning.").case
    assert ("shoulder_girdle_pain_bilateral", "present") in {(f.id, str(f.status)) for f in case.findings}


def test_coughing_and_sneezing_make_it_worse() -> None:
    case = extract("Leg pain for 6 weeks. Coughing and sneezing make it worse.").case
    assert ("pain_worse_cough_sneeze", "present") in {(f.id, str(f.status)) for f in case.findings}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Left ankle dorsiflexion weakness (MRC 3).", {("ankle_dorsiflexion", "left", 3)}),
        ("Muscle strength of the right tibialis anterior was grade 3.", {("ankle_dorsiflexion", "right", 3)}),
        ("Quadriceps MRC grade 4 on the right.", {("knee_extension", "right", 4)}),
        ("He had difficulty standing on his left toes.", {("ankle_plantarflexion", "left", 4)}),
        # a grade of something else is not a muscle grade
        ("Grade 2 spondylolisthesis at L4-5 with weak left EHL.", {("great_toe_extension", "left", 4)}),
    ],
)
def test_muscle_grades_named_by_their_scale(text: str, expected: set[tuple[str, str, int]]) -> None:
    assert {(s.movement, s.side, s.grade) for s in extract(text).case.strength} == expected


def test_hypoalgesia_and_a_sensory_disturbance_are_reduced_sensation() -> None:
    case = extract(
        "Hypoalgesia of the dorsum of the right foot. Sensory disturbance in the left S1 dermatome."
    ).case
    found = {(x.region, x.side, x.status) for x in case.sensation}
    assert ("foot_dorsum", "right", "reduced") in found
    assert ("foot_lateral_border", "left", "reduced") in found


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("Pain in the posterolateral thigh on the left.", {"thigh_posterior", "thigh_lateral"}),
        ("Pain in the dorsolateral aspect of the left foot.", {"foot_dorsum", "foot_lateral_border"}),
        ("Pain over the anterolateral leg on the right.", {"leg_anterior", "leg_lateral"}),
    ],
)
def test_two_aspects_named_at_once_are_those_two_regions(text: str, regions: set[str]) -> None:
    assert {m.region for m in extract(text).case.pain_map or []} == regions
