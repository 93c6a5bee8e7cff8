"""A whole leg examined at full power against a nerve whose series reports how often it shows any
weakness (issue 14, Build 3: a peripheral nerve by its own pattern).

The femoral nerve's single-movement rates (knee extension 0.6, hip flexion 0.67, Santilli 2023) are
lower bounds, mild grades not being reported; the same series found weakness in 96 % of femoral
neuropathies. Full power over the whole leg is the event "no weakness anywhere", so it is 1 - 0.96
for the femoral nerve, not 1 - 0.67 (anatomy/nerves.yaml ``any_weakness``).
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from pydantic import ValidationError

from nervemap.engine.assess import assess
from nervemap.engine.compiled import WHOLE_LEG_FULL_POWER, default_compiled
from nervemap.knowledge.models import Nerve

MOVEMENTS = (
    "hip_flexion",
    "hip_adduction",
    "hip_abduction",
    "hip_extension",
    "knee_extension",
    "knee_flexion",
    "ankle_dorsiflexion",
    "great_toe_extension",
    "ankle_eversion",
    "ankle_inversion",
    "ankle_plantarflexion",
    "toe_flexion",
    "foot_intrinsics",
)


def _rate(site: str, observation: str) -> float:
    compiled = default_compiled()
    h = compiled.hypothesis_index[site]
    o = compiled.observation_index[observation]
    return math.exp(float(compiled.loc_log_present[h, o]))


def test_full_power_over_the_right_leg_is_four_percent_likely_with_a_right_femoral_lesion() -> None:
    observation = f"{WHOLE_LEG_FULL_POWER}:leg:right"
    assert _rate("nerve:femoral:right", observation) == pytest.approx(0.04)
    # the other leg's full power is not what the lesion denies
    assert _rate("nerve:femoral:left", observation) > 0.9
    # a nerve without a published any-weakness rate keeps 1 - its highest movement rate
    assert _rate("nerve:obturator:right", observation) == pytest.approx(1 - 0.8)


def _groin_and_front_of_thigh(full_power: bool) -> dict[str, Any]:
    case: dict[str, Any] = {
        "age": 60,
        "sex": "male",
        "pain_map_complete": False,
        "pain_map": [
            {"region": "groin", "side": "right"},
            {"region": "thigh_anterior", "side": "right", "kind": "numbness"},
        ],
        "findings": [{"id": "recent_hip_or_pelvic_surgery"}],
    }
    if full_power:
        case["strength"] = [{"movement": m, "side": "right", "grade": 5} for m in MOVEMENTS]
    return case


def _femoral_share(assessment: Any) -> float:
    return sum(s.probability for s in assessment.localization if s.site_id == "nerve:femoral")


def test_a_whole_leg_at_full_power_leaves_little_room_for_a_femoral_lesion() -> None:
    """Groin pain and front-of-thigh numbness after hip surgery: a femoral neuropathy is in the
    picture until the whole leg is examined at full power."""
    unexamined = assess(_groin_and_front_of_thigh(full_power=False))
    examined = assess(_groin_and_front_of_thigh(full_power=True))
    assert _femoral_share(examined) < 0.2 * _femoral_share(unexamined)
    femoral = next(d.probability for d in examined.differential if d.id == "femoral_neuropathy")
    assert femoral < 0.1


def test_an_any_weakness_rate_for_a_nerve_without_muscles_is_refused() -> None:
    with pytest.raises(ValidationError, match="no movements"):
        Nerve.model_validate(
            {
                "id": "lateral_femoral_cutaneous",
                "name": "Lateral femoral cutaneous nerve",
                "roots": ["L2", "L3"],
                "cutaneous": ["thigh_lateral"],
                "any_weakness": {"value": 0.5, "source": "santilli-2023", "detail": "not a motor nerve"},
                "sources": ["medscape-meralgia-2023"],
            }
        )
