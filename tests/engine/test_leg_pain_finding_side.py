"""A sided leg pain finding sets the lesion's side (issue 14, side).

'Right sciatica' or 'pain radiating down the left leg' with no place of the leg on the map was read
as the finding alone: it counted towards the one-sided pattern but not towards a side, so the roots
of the other leg kept the same probability as those of the painful leg. It is now pain somewhere in
that leg for the localisation (the vague whole-leg observation, as 'pain in his right leg'),
counted once in the laterality pattern; the conditions keep the finding alone.
"""

from __future__ import annotations

from typing import Any

import pytest

from nervemap import assess, assess_many
from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled
from nervemap.engine.encode import leg_pain_finding_sides


def _case(side: str, **extra: Any) -> dict[str, Any]:
    return {
        "age": 45,
        "sex": "male",
        "findings": [{"id": "radiating_leg_pain", "status": "present", "side": side}],
        **extra,
    }


def _root(result: Any, root: str, side: str) -> float:
    return sum(s.probability for s in result.localization if s.root == root and s.side == side)


@pytest.mark.parametrize(("side", "other"), [("left", "right"), ("right", "left")])
def test_the_painful_legs_roots_lead(side: str, other: str) -> None:
    result = assess(_case(side), detail="headline")
    for root in ("L4", "L5", "S1"):
        assert _root(result, root, side) > 5 * _root(result, root, other)


def test_mirroring_mirrors_the_roots() -> None:
    left, right = assess(_case("left"), detail="headline"), assess(_case("right"), detail="headline")
    for root in ("L4", "L5", "S1"):
        assert _root(left, root, "left") == pytest.approx(_root(right, root, "right"), abs=1e-9)


def test_the_batch_encoder_reads_it_the_same() -> None:
    cases = [_case("left"), _case("right"), _case("bilateral"), {"age": 50, "findings": []}]
    batch = assess_many(cases, detail="headline")
    for one, many in zip(cases, batch, strict=True):
        single = assess(one, detail="headline")
        assert [(s.site_id, s.side) for s in single.localization] == [
            (s.site_id, s.side) for s in many.localization
        ]
        for a, b in zip(single.localization, many.localization, strict=True):
            assert a.probability == pytest.approx(b.probability, abs=1e-9)


def test_only_where_the_map_marks_no_pain_in_that_leg() -> None:
    compiled = default_compiled()
    assert leg_pain_finding_sides(Case.model_validate(_case("left")), compiled) == ["left"]
    assert leg_pain_finding_sides(Case.model_validate(_case("bilateral")), compiled) == ["left", "right"]
    with_calf = _case("left", pain_map=[{"region": "calf", "side": "left"}], pain_map_complete=False)
    assert leg_pain_finding_sides(Case.model_validate(with_calf), compiled) == []
    other_leg = _case("left", pain_map=[{"region": "calf", "side": "right"}], pain_map_complete=False)
    assert leg_pain_finding_sides(Case.model_validate(other_leg), compiled) == ["left"]
    # a body map drawn in full says where the pain is
    drawn = _case("left", pain_map=[{"region": "buttock", "side": "left"}], pain_map_complete=True)
    assert leg_pain_finding_sides(Case.model_validate(drawn), compiled) == []
