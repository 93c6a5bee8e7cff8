"""A purely sensory nerve's own rate for sensory change in its territory (issue 14, Build 3).

The pooled in-territory sensory rate (0.6, Tawa 2017) is a radiculopathy figure: a root's skin
overlaps its neighbours', so sensory change in any one region shows in a minority more. The lateral
femoral cutaneous nerve has no muscles: a lesion shows itself only by sensory symptoms in its
territory, which the series of meralgia paresthetica take as the diagnostic criterion (Kitchen 1972,
67 cases). anatomy/nerves.yaml gives it its own rate, 0.95, in the site model.
"""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from nervemap.engine.compiled import WHOLE_LEG_NORMAL, default_compiled
from nervemap.knowledge.models import Nerve


def _rate(site: str, observation: str) -> float:
    compiled = default_compiled()
    h = compiled.hypothesis_index[site]
    o = compiled.observation_index[observation]
    return math.exp(float(compiled.loc_log_present[h, o]))


def test_sensory_change_on_the_outer_thigh_takes_the_lateral_femoral_cutaneous_nerves_own_rate() -> None:
    assert _rate("nerve:lateral_femoral_cutaneous:left", "sensory:thigh_lateral:left") == pytest.approx(0.95)
    # the other leg's lesion does not explain it
    assert _rate("nerve:lateral_femoral_cutaneous:right", "sensory:thigh_lateral:left") < 0.1


def test_normal_sensation_over_the_whole_leg_speaks_against_the_nerve_at_one_minus_its_own_rate() -> None:
    normal = f"{WHOLE_LEG_NORMAL}:leg:left"
    assert _rate("nerve:lateral_femoral_cutaneous:left", normal) == pytest.approx(1 - 0.95)
    assert _rate("nerve:lateral_femoral_cutaneous:right", normal) > 0.9


def test_a_root_and_a_nerve_without_their_own_sensory_rate_keep_the_pooled_one() -> None:
    pooled = default_compiled().knowledge.localisation.sensory_in_territory.value
    # the femoral nerve's skin (front of the thigh) has no series figure of its own
    assert _rate("nerve:femoral:right", "sensory:thigh_anterior:right") == pytest.approx(pooled)
    # an L3 lesion's outer-thigh sensory change is not the nerve's figure
    assert _rate("root:L3:left", "sensory:thigh_lateral:left") < 0.95


def test_a_sensory_rate_for_a_region_outside_the_nerves_skin_is_refused() -> None:
    with pytest.raises(ValidationError, match="not one of its own"):
        Nerve.model_validate(
            {
                "id": "lateral_femoral_cutaneous",
                "name": "Lateral femoral cutaneous nerve",
                "roots": ["L2", "L3"],
                "cutaneous": ["thigh_lateral"],
                "pain": ["thigh_lateral"],
                "specific": [
                    {"modality": "sensory", "target": "foot_sole", "p": {"value": 0.9, "source": "x"}}
                ],
                "sources": ["x"],
            }
        )
