"""A normal sensory or motor examination of a whole leg is one observation (issue 14).

Counted region by region, "sensation is normal" charged a root once per region of its dermatome
and a nerve with a wide territory (femoral) several times more, far beyond the published
1 - sensitivity of the sensory examination (Tawa 2017); "power is full" likewise once per muscle.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from nervemap.engine.assess import assess, infer_encoded
from nervemap.engine.case import Case
from nervemap.engine.compiled import (
    WHOLE_LEG_FULL_POWER,
    WHOLE_LEG_NORMAL,
    CompiledKnowledge,
    default_compiled,
    whole_leg_regions,
)
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


def _full_power(compiled: CompiledKnowledge, side: str) -> list[dict[str, Any]]:
    return [{"movement": m.id, "side": side, "grade": 5} for m in compiled.knowledge.anatomy.movements]


def test_full_power_over_a_whole_leg_is_one_observation(compiled: CompiledKnowledge) -> None:
    case = QUADRICEPS | {"strength": QUADRICEPS["strength"] + _full_power(compiled, "left")}
    encoded = encode_case(Case.model_validate(case), compiled)
    seen = {compiled.observations[o].key for o in np.flatnonzero(encoded.observed_present)}
    unseen = {compiled.observations[o].key for o in np.flatnonzero(encoded.observed_absent)}
    assert f"{WHOLE_LEG_FULL_POWER}:leg:left" in seen
    assert not any(key.startswith("weakness:") and key.endswith(":left") for key in unseen)
    # the weak leg keeps its movements one by one
    assert f"{WHOLE_LEG_FULL_POWER}:leg:right" not in seen
    assert "weakness:knee_extension:right" in seen


def test_full_power_costs_a_root_its_own_complement_once(compiled: CompiledKnowledge) -> None:
    """Full power over the left leg costs a left L5 lesion 1 - its highest motor rate (EHL)."""
    base: dict[str, Any] = {"age": 45, "sex": "male"}
    encoded = [
        encode_case(Case.model_validate(c), compiled)
        for c in (base, base | {"strength": _full_power(compiled, "left")})
    ]
    ll = infer_encoded(compiled, encoded).site_loglik
    l5, none = compiled.hypothesis_index["root:L5:left"], compiled.hypothesis_index["site:none"]
    change = (ll[1, l5] - ll[1, none]) - (ll[0, l5] - ll[0, none])
    observation = compiled.observation_index[f"{WHOLE_LEG_FULL_POWER}:leg:left"]
    highest = 1 - float(np.exp(compiled.loc_log_present[l5, observation]))
    # no lesion: its own rate for a weak movement (weakness_without_lesion)
    model = compiled.knowledge.localisation
    without = (model.weakness_without_lesion or model.weakness_outside_territory).value
    assert change == pytest.approx(math.log((1 - highest) / (1 - without)))
    assert highest == pytest.approx(max(0.65, compiled.knowledge.localisation.weakness_in_territory.value))


def test_a_whole_leg_normal_examination_mirrors_left_and_right(compiled: CompiledKnowledge) -> None:
    def case(weak: str, normal: str) -> dict[str, Any]:
        return {
            "age": 45,
            "sex": "male",
            "strength": [
                {"movement": "knee_extension", "side": weak, "grade": 3},
                *_full_power(compiled, normal),
            ],
            "reflexes": [{"reflex": "patellar", "side": weak, "grade": 0}],
            "sensation": _normal(compiled, weak) + _normal(compiled, normal),
        }

    right, left = assess(case("right", "left")), assess(case("left", "right"))
    mirrored = {"left": "right", "right": "left"}
    for a, b in zip(right.localization, left.localization, strict=True):
        assert (a.site, a.root, a.nerve) == (b.site, b.root, b.nerve)
        assert a.side == mirrored.get(str(b.side), b.side)
        assert a.probability == pytest.approx(b.probability, abs=1e-9)
