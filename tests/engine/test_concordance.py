"""Imaging concordance: the imaged root against the clinical level judged without the scan."""

from __future__ import annotations

from nervemap.engine.assess import assess
from tests.engine.cases import L4_LEFT, L5_LEFT, S1_WITH_L3_L4_DISC, with_imaging


def test_paracentral_l4_l5_disc_is_concordant_with_an_l5_picture() -> None:
    result = assess(
        with_imaging(L5_LEFT, kind="disc-herniation", level="L4-L5", zone="paracentral", side="left")
    )
    concordance = result.imaging_concordance
    assert concordance.status == "concordant"
    assert (concordance.clinical[0].root, concordance.clinical[0].side) == ("L5", "left")
    assert [(r.root, r.side) for r in concordance.imaging] == [("L5", "left")]
    assert "imaging_discordant_review" not in {p.id for p in result.plan}


def test_far_lateral_l4_l5_disc_presses_l4_and_is_concordant_with_an_l4_picture() -> None:
    result = assess(
        with_imaging(L4_LEFT, kind="disc-herniation", level="L4-L5", zone="far-lateral", side="left")
    )
    assert result.imaging_concordance.status == "concordant"
    assert [(r.root, r.side) for r in result.imaging_concordance.imaging] == [("L4", "left")]


def test_an_s1_picture_with_an_l3_l4_disc_is_discordant_and_the_plan_says_so() -> None:
    result = assess(S1_WITH_L3_L4_DISC)
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
        with_imaging(L5_LEFT, kind="disc-herniation", level="L4-L5", zone="paracentral", side="right")
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


def test_the_neighbouring_root_on_the_same_side_is_taken_as_consistent_with_a_caution() -> None:
    """An L5 picture with a paracentral L5-S1 disc (S1): neighbouring roots' signs overlap."""
    result = assess(
        with_imaging(L5_LEFT, kind="disc-herniation", level="L5-S1", zone="paracentral", side="left")
    )
    concordance = result.imaging_concordance
    assert concordance.status == "concordant"
    assert concordance.note and "neighbour" in concordance.note
