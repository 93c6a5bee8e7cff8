"""Imaging concordance: the imaged root against the clinical level judged without the scan."""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess

L5_LEFT: dict[str, Any] = {
    "age": 45,
    "sex": "male",
    "pain_map_complete": False,
    "pain_map": [
        {"region": "buttock", "side": "left"},
        {"region": "leg_lateral", "side": "left"},
        {"region": "foot_dorsum", "side": "left", "kind": "numbness"},
    ],
    "strength": [{"movement": "great_toe_extension", "side": "left", "grade": 4}],
    "findings": [{"id": "slr_positive", "side": "left"}, {"id": "back_pain"}],
}
L4_LEFT: dict[str, Any] = {
    "age": 60,
    "sex": "female",
    "pain_map_complete": False,
    "pain_map": [
        {"region": "thigh_anterior", "side": "left"},
        {"region": "leg_medial", "side": "left", "kind": "numbness"},
    ],
    "reflexes": [
        {"reflex": "patellar", "side": "left", "grade": 0},
        {"reflex": "patellar", "side": "right", "grade": 2},
    ],
    "strength": [{"movement": "knee_extension", "side": "left", "grade": 4}],
}
S1_RIGHT: dict[str, Any] = {
    "age": 45,
    "sex": "male",
    "pain_map_complete": False,
    "pain_map": [
        {"region": "buttock", "side": "right"},
        {"region": "calf", "side": "right"},
        {"region": "foot_lateral_border", "side": "right", "kind": "numbness"},
    ],
    "reflexes": [
        {"reflex": "achilles", "side": "right", "grade": 0},
        {"reflex": "achilles", "side": "left", "grade": 2},
    ],
    "strength": [{"movement": "ankle_plantarflexion", "side": "right", "grade": 4}],
    "findings": [{"id": "slr_positive", "side": "right"}],
}


def _with_imaging(case: dict[str, Any], **imaging: str) -> dict[str, Any]:
    return case | {"imaging": [imaging]}


def test_paracentral_l4_l5_disc_is_concordant_with_an_l5_picture() -> None:
    result = assess(
        _with_imaging(L5_LEFT, kind="disc-herniation", level="L4-L5", zone="paracentral", side="left")
    )
    concordance = result.imaging_concordance
    assert concordance.status == "concordant"
    assert (concordance.clinical[0].root, concordance.clinical[0].side) == ("L5", "left")
    assert [(r.root, r.side) for r in concordance.imaging] == [("L5", "left")]
    assert "imaging_discordant_review" not in {p.id for p in result.plan}


def test_far_lateral_l4_l5_disc_presses_l4_and_is_concordant_with_an_l4_picture() -> None:
    result = assess(
        _with_imaging(L4_LEFT, kind="disc-herniation", level="L4-L5", zone="far-lateral", side="left")
    )
    assert result.imaging_concordance.status == "concordant"
    assert [(r.root, r.side) for r in result.imaging_concordance.imaging] == [("L4", "left")]


def test_an_s1_picture_with_an_l3_l4_disc_is_discordant_and_the_plan_says_so() -> None:
    result = assess(_with_imaging(S1_RIGHT, kind="disc-herniation", level="L3-L4", side="right"))
    concordance = result.imaging_concordance
    assert concordance.status == "discordant"
    assert concordance.clinical[0].root == "S1"
    assert [(r.root, r.side) for r in concordance.imaging] == [("L4", "right")]
    assert concordance.note and "NICE NG59" in concordance.note
    plan = {p.id for p in result.plan}
    assert "imaging_discordant_review" in plan
    assert not plan & {"discectomy_after_failed_conservative", "minimally_invasive_discectomy_option"}
    assert any("discordant" in note for note in result.notes)
    # the clinical picture is not overruled by the scan: S1 still leads the localisation
    assert (result.localization[0].root, result.localization[0].side) == ("S1", "right")


def test_the_wrong_side_is_discordant() -> None:
    result = assess(
        _with_imaging(L5_LEFT, kind="disc-herniation", level="L4-L5", zone="paracentral", side="right")
    )
    assert result.imaging_concordance.status == "discordant"


def test_no_imaging_says_so() -> None:
    result = assess(L5_LEFT)
    assert result.imaging_concordance.status == "no imaging"
    assert result.imaging_concordance.imaging == []


def test_a_scan_without_a_localising_clinical_picture_is_indeterminate() -> None:
    case = {
        "age": 50,
        "findings": [{"id": "back_pain"}],
        "imaging": [{"kind": "disc-herniation", "level": "L5-S1", "side": "left"}],
    }
    assert assess(case).imaging_concordance.status == "indeterminate"
