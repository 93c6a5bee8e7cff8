"""A normal sensory examination of a whole leg is one observation (issue 14, localisation).

Counted region by region, "sensation is normal" charged a root once per region of its dermatome
and a nerve with a wide territory (femoral) several times more, far beyond the published
1 - sensitivity of the sensory examination (Tawa 2017).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from nervemap.engine.assess import assess, infer_encoded
from nervemap.engine.case import Case
from nervemap.engine.compiled import WHOLE_LEG_NORMAL, CompiledKnowledge, default_compiled, whole_leg_regions
from nervemap.engine.encode import encode_case


@pytest.fixture(scope="module")
def compiled() -> CompiledKnowledge:
    return default_compiled()


def _normal(compiled: CompiledKnowledge, side: str, regions: list[str] | None = None) -> list[dict[str, Any]]:
    chosen = whole_leg_regions(compiled.knowledge) if regions is None else regions
    return [{"region": r, "side": side, "status": "normal"} for r in chosen]


QUADRICEPS: dict[str, Any] = {
    "age": 45,
    "sex": "male",
    "strength": [{"movement": "knee_extension", "side": "right", "grade": 3}],
    "reflexes": [{"reflex": "patellar", "side": "right", "grade": 0}],
}


def _site_loglik(compiled: CompiledKnowledge, case: dict[str, Any]) -> dict[str, float]:
    encoded = encode_case(Case.model_validate(case), compiled)
    ll = infer_encoded(compiled, [encoded]).site_loglik[0]
    keys = ("site:none", "root:L3:right", "nerve:femoral:right")
    return {k: float(ll[compiled.hypothesis_index[k]]) for k in keys}


def test_a_whole_leg_of_normal_sensation_is_one_observation(compiled: CompiledKnowledge) -> None:
    case = Case.model_validate(QUADRICEPS | {"sensation": _normal(compiled, "right")})
    encoded = encode_case(case, compiled)
    seen = {compiled.observations[o].key for o in np.flatnonzero(encoded.observed_present)}
    unseen = {compiled.observations[o].key for o in np.flatnonzero(encoded.observed_absent)}
    assert f"{WHOLE_LEG_NORMAL}:leg:right" in seen
    assert not any(key.startswith("sensory:") and key.endswith(":right") for key in unseen)


def test_part_of_a_leg_tested_normal_stays_region_by_region(compiled: CompiledKnowledge) -> None:
    case = Case.model_validate(
        QUADRICEPS | {"sensation": _normal(compiled, "right", ["leg_medial", "thigh_anterior"])}
    )
    encoded = encode_case(case, compiled)
    seen = {compiled.observations[o].key for o in np.flatnonzero(encoded.observed_present)}
    unseen = {compiled.observations[o].key for o in np.flatnonzero(encoded.observed_absent)}
    assert f"{WHOLE_LEG_NORMAL}:leg:right" not in seen
    assert {"sensory:leg_medial:right", "sensory:thigh_anterior:right"} <= unseen


def test_normal_sensation_costs_a_lesion_the_published_complement_once(compiled: CompiledKnowledge) -> None:
    without = _site_loglik(compiled, QUADRICEPS)
    with_exam = _site_loglik(compiled, QUADRICEPS | {"sensation": _normal(compiled, "right")})
    model = compiled.knowledge.localisation
    expected = math.log((1 - model.sensory_in_territory.value) / (1 - model.sensory_outside_territory.value))
    for site in ("root:L3:right", "nerve:femoral:right"):
        change = (with_exam[site] - with_exam["site:none"]) - (without[site] - without["site:none"])
        assert change == pytest.approx(expected)


def test_normal_sensation_on_both_legs_does_not_make_the_symptoms_bilateral(
    compiled: CompiledKnowledge,
) -> None:
    case = QUADRICEPS | {
        "pain_map_complete": False,
        "pain_map": [{"region": "thigh_anterior", "side": "right"}],
        "sensation": _normal(compiled, "right") + _normal(compiled, "left"),
    }
    result = assess(case)
    assert result.localization[0].side == "right"
