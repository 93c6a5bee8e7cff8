"""One sided finding is already a one-sided pattern (engine/encode.MIN_SIDED_FOR_PATTERN).

The one-sided figures of the sites are how often each presents on one side only (polyneuropathy
0.05, symmetric by definition; cauda equina 0.68, Venkatesan 2020); a single symptom on one side
with nothing of the other leg shows that as much as two. Two sided findings were asked before, so
numbness of the right sole alone in a 64-year-old with diabetes left the both-sided polyneuropathy
first (0.71), as if the other foot were numb too.
"""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled
from nervemap.engine.encode import encode_case

from .test_encode_batch import assert_same


def _sole(*sides: str) -> dict[str, Any]:
    return {
        "age": 64,
        "sex": "male",
        "pain_map_complete": False,
        "pain_map": [{"region": "foot_sole", "side": side, "kind": "numbness"} for side in sides],
        "findings": [{"id": "diabetes"}],
    }


def _pattern(case: dict[str, Any]) -> set[str]:
    compiled = default_compiled()
    encoded = encode_case(Case.model_validate(case), compiled)
    return {
        name
        for name in ("unilateral", "bilateral")
        if encoded.observed_present[compiled.observation_index[f"pattern:{name}:"]]
    }


def _site(case: dict[str, Any], kind: str) -> float:
    return sum(s.probability for s in assess(case).localization if s.site == kind)


def test_a_single_sided_finding_is_a_one_sided_pattern() -> None:
    assert _pattern(_sole("right")) == {"unilateral"}
    assert _pattern(_sole("left", "right")) == {"bilateral"}
    assert _pattern({"age": 40, "findings": [{"id": "radiating_leg_pain", "side": "left"}]}) == {"unilateral"}
    assert _pattern({"age": 40, "findings": [{"id": "back_pain"}]}) == set()


def test_one_numb_sole_is_not_read_as_a_symmetric_polyneuropathy() -> None:
    assert _site(_sole("left", "right"), "polyneuropathy") > 0.9
    one_sided = assess(_sole("right"))
    assert one_sided.localization[0].site != "polyneuropathy"
    assert _site(_sole("right"), "polyneuropathy") < 0.2  # was 0.71


def test_the_batch_encoder_makes_the_same_pattern() -> None:
    cases = [
        Case.model_validate(c)
        for c in (
            _sole("right"),
            _sole("left"),
            _sole("left", "right"),
            {"age": 40, "findings": [{"id": "radiating_leg_pain", "side": "left"}]},
            {"age": 40, "findings": [{"id": "slr_positive", "side": "right"}]},
            {"age": 40, "findings": [{"id": "back_pain"}]},
        )
    ]
    assert_same(cases)
