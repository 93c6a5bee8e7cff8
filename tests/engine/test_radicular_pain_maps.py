"""Radicular pain as published referral figures (issue 14, Build 1): groin pain by root.

Groin pain belongs to the L1-L3 maps and is common with L3 and L4 radiculopathy (Sasaki 2014: 3 of 7
and 5 of 20 operated roots), but it is not absent with a low lumbar disc: 21 of 512 patients with a
single L4-5 or L5-S1 herniation reported it (Yukawa 1997), none of 183 operated L5 or S1 roots in
Sasaki's series. Pooled, (21 + 0) / (512 + 183) = 0.030 for L5 and S1. At Sasaki's 0.01 alone one
groin mark took more than half of an otherwise clear L5 picture's probability.
"""

from __future__ import annotations

import math

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.compiled import default_compiled

L5_PICTURE = ("buttock", "thigh_posterior", "leg_lateral", "foot_dorsum")


def _rate(site: str, observation: str) -> float:
    compiled = default_compiled()
    h = compiled.hypothesis_index[site]
    o = compiled.observation_index[observation]
    return math.exp(float(compiled.loc_log_present[h, o]))


def _l5(*regions: str) -> float:
    case = {
        "age": 52,
        "sex": "male",
        "pain_map_complete": False,
        "pain_map": [{"region": r, "side": "left"} for r in regions],
        "strength": [{"movement": "great_toe_extension", "side": "left", "grade": 4}],
    }
    top = {(s.root, s.side): s.probability for s in assess(case).localization}
    return top[("L5", "left")]


@pytest.mark.parametrize("root", ["L5", "S1"])
def test_groin_pain_with_a_low_lumbar_root_is_the_pooled_published_rate(root: str) -> None:
    assert _rate(f"root:{root}:left", "pain:groin:left") == pytest.approx((21 + 0) / (512 + 183), abs=0.001)
    # still far below the mid-lumbar roots whose map holds the groin
    assert _rate(f"root:{root}:left", "pain:groin:left") < _rate("root:L4:left", "pain:groin:left")
    assert _rate(f"root:{root}:left", "pain:groin:left") < _rate("root:L3:left", "pain:groin:left")


def test_one_groin_mark_does_not_overturn_an_l5_picture() -> None:
    without = _l5(*L5_PICTURE)
    with_groin = _l5(*L5_PICTURE, "groin")
    assert with_groin < without
    assert with_groin > 0.5
