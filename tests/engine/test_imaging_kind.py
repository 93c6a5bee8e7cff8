"""An imaged root is weighed by what the report says presses it and at which level (localisation.yaml).

A disc shown pressing a root is what a disc herniation at that root looks like; under a foraminal
stenosis there the disc is an incidental finding (imaging_kinds_shown). And a protrusion at L4-S1 is
common in people without symptoms, one at L1-L3 rare (Kanayama 2009), so an image naming an upper
root is less often incidental (imaging_compression_elsewhere_by_root).
"""

from __future__ import annotations

from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.compiled import default_compiled


def _upper_lumbar(imaging: list[dict[str, Any]]) -> dict[str, Any]:
    """A 54-year-old with right groin and front-of-thigh pain, weak hip flexion and a positive femoral
    stretch: an L2 picture."""
    return {
        "age": 54,
        "sex": "female",
        "setting": "spine-clinic",
        "duration_days": 35,
        "pain_map": [
            {"region": "groin", "side": "right"},
            {"region": "thigh_anterior", "side": "right"},
        ],
        "findings": [
            {"id": "radiating_leg_pain", "status": "present", "side": "right"},
            {"id": "femoral_stretch_positive", "status": "present", "side": "right"},
        ],
        "strength": [{"movement": "hip_flexion", "side": "right", "grade": 4}],
        "imaging": imaging,
    }


def _p(case: dict[str, Any], condition: str) -> float:
    return next(d.probability for d in assess(case).differential if d.id == condition)


def test_a_disc_shown_at_the_root_speaks_for_a_disc_herniation_and_stenosis_for_stenosis() -> None:
    disc = _upper_lumbar(
        [{"kind": "disc-herniation", "level": "L2-L3", "zone": "far-lateral", "side": "right"}]
    )
    narrow = _upper_lumbar([{"kind": "stenosis", "level": "L2-L3", "zone": "foraminal", "side": "right"}])
    assert assess(disc).differential[0].id == "lumbar_disc_herniation"
    stenosis = "lateral_recess_foraminal_stenosis"
    # the same root pressed by a disc makes foraminal stenosis far less likely than pressed by stenosis
    assert _p(disc, stenosis) < 0.5 * _p(narrow, stenosis)
    assert _p(narrow, stenosis) > 0.1


def test_mirrored_images_mirror_the_answer() -> None:
    image = {"kind": "disc-herniation", "level": "L2-L3", "zone": "far-lateral", "side": "right"}
    right = assess(_upper_lumbar([image]))
    left_case = _upper_lumbar([{**image, "side": "left"}])
    for item in left_case["pain_map"] + left_case["findings"] + left_case["strength"]:
        item["side"] = "left"
    left = assess(left_case)
    assert [(d.id, round(d.probability, 6)) for d in left.differential[:5]] == [
        (d.id, round(d.probability, 6)) for d in right.differential[:5]
    ]
    top_right, top_left = right.localization[0], left.localization[0]
    assert (top_right.site_id, top_right.side, top_left.side) == ("root:L2", "right", "left")


def _leg_pain(imaging: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "age": 45,
        "sex": "male",
        "duration_days": 60,
        "findings": [{"id": "radiating_leg_pain", "status": "present", "side": "left"}],
        "imaging": imaging,
    }


def _root(case: dict[str, Any], root: str) -> float:
    return sum(
        s.probability for s in assess(case).localization if s.site_id == f"root:{root}" and s.side == "left"
    )


def test_an_image_naming_an_upper_root_moves_it_more_than_one_naming_s1() -> None:
    """Incidental protrusions cluster at L4-S1: an L3 root shown pressed is rarely incidental."""
    l3 = _leg_pain([{"kind": "disc-herniation", "level": "L3-L4", "zone": "foraminal", "side": "left"}])
    s1 = _leg_pain([{"kind": "disc-herniation", "level": "L5-S1", "zone": "paracentral", "side": "left"}])
    none = _leg_pain([])
    assert _root(l3, "L3") / _root(none, "L3") > _root(s1, "S1") / _root(none, "S1")


def test_the_incidental_rate_per_root_rises_from_l2_to_s1_and_every_rate_is_cited() -> None:
    model = default_compiled().knowledge.localisation
    rates = model.imaging_compression_elsewhere_by_root
    values = [rates[root].value for root in ("L2", "L3", "L4", "L5", "S1")]
    assert values == sorted(values)
    assert all(rates[root].source == "kanayama-2009" for root in rates)
    assert model.imaging_kinds_shown["lateral_recess_foraminal_stenosis"]
    assert "disc-herniation" not in model.imaging_kinds_shown["lateral_recess_foraminal_stenosis"]


def test_the_imaging_rows_fit_the_exact_link_code_and_cover_l2_to_s1() -> None:
    from nervemap.engine.compiled import MAX_LINK_STATES

    compiled = default_compiled()
    assert len(compiled.sign_log_factor) <= MAX_LINK_STATES
    roots = {root for _, root, _ in compiled.imaging_state_index}
    assert {"L2", "L3", "L4", "L5", "S1"} <= roots


def _lesion_pattern_weight(case: dict[str, Any], condition: str) -> float:
    entry = next(d for d in assess(case).differential if d.id == condition)
    return next(item.weight for item in entry.evidence.for_ if item.finding == "lesion-pattern")


def test_the_shown_lesion_pattern_weight_carries_the_lesion_kind() -> None:
    """The kind factor changes the sum that makes the probability, so it must change the weight shown
    for the lesion pattern too (each shown weight is a term of that sum)."""
    disc = _upper_lumbar(
        [{"kind": "disc-herniation", "level": "L2-L3", "zone": "far-lateral", "side": "right"}]
    )
    narrow = _upper_lumbar([{"kind": "stenosis", "level": "L2-L3", "zone": "foraminal", "side": "right"}])
    stenosis = "lateral_recess_foraminal_stenosis"
    assert _lesion_pattern_weight(disc, stenosis) < _lesion_pattern_weight(narrow, stenosis) - 2.0
    # a condition whose own kind the image shows keeps the full weight of the imaged root
    herniation = "lumbar_disc_herniation"
    assert _lesion_pattern_weight(disc, herniation) > _lesion_pattern_weight(disc, stenosis)


def test_more_imaged_roots_than_link_rows_is_refused_at_compile_time() -> None:
    """Roots left out of the imaging-kind rows would be scored without the kind, silently: refused."""
    from nervemap.engine.compiled import _imaging_factors, _territories

    compiled = default_compiled()
    kb = compiled.knowledge
    hypotheses = compiled.hypotheses
    territories = [_territories(kb, h) for h in hypotheses]
    conditions = list(kb.conditions)
    # the packaged base fits (L2-S1 on three sides, two kinds: 30 rows)
    states, _ = _imaging_factors(kb, conditions, hypotheses, territories, {}, budget=30)
    assert len(states) == 30
    with pytest.raises(ValueError, match="imaging_kinds_shown"):
        _imaging_factors(kb, conditions, hypotheses, territories, {}, budget=29)
