"""The side of a problem without a nerve lesion when the symptoms are on both sides (issue 14).

Without a nerve lesion the side reported is where the symptoms are. When everything on one side
is also on the other, which has more, the other is the predominant side and is named: groin pain
on both sides, worse on the left, with buttock pain spreading down the back of the left leg
(rootdev-045, claudication from an internal iliac occlusion) is a left-sided problem. The same
symptoms on both sides, or different ones on each, stay bilateral. Both engine paths (one case,
a batch) give the same side, and mirroring the case mirrors it.
"""

from __future__ import annotations

from typing import Any

import pytest

from nervemap.engine.assess import assess, assess_many

MIRROR = {"left": "right", "right": "left", "bilateral": "bilateral"}


def _mark(region: str, side: str) -> dict[str, Any]:
    return {"region": region, "side": side}


def _case(marks: list[dict[str, Any]], findings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "age": 70,
        "sex": "male",
        "duration_days": 1461.0,
        "pain_map_complete": False,
        "pain_map": marks,
        "findings": findings or [],
    }


GROINS_AND_LEFT_LEG = _case(
    [
        _mark("groin", "left"),
        _mark("groin", "right"),
        _mark("buttock", "left"),
        _mark("thigh_posterior", "left"),
        _mark("calf", "left"),
    ],
    [{"id": "radiating_leg_pain", "side": "left"}],
)


def _mirrored(case: dict[str, Any]) -> dict[str, Any]:
    def flip(item: dict[str, Any]) -> dict[str, Any]:
        return item | {"side": MIRROR[item["side"]]} if "side" in item else item

    return case | {
        "pain_map": [flip(m) for m in case["pain_map"]],
        "findings": [flip(f) for f in case["findings"]],
    }


def _none_side(case: dict[str, Any]) -> str | None:
    site = next(s for s in assess(case, detail="headline").localization if str(s.site) == "none")
    return site.side


def test_groin_pain_on_both_sides_with_leg_pain_on_the_left_only_is_left() -> None:
    top = assess(GROINS_AND_LEFT_LEG, detail="headline").localization[0]
    assert (str(top.site), top.side) == ("none", "left")


def test_mirroring_the_case_mirrors_the_predominant_side() -> None:
    assert _none_side(_mirrored(GROINS_AND_LEFT_LEG)) == "right"


@pytest.mark.parametrize(
    "marks",
    [
        # the same on both sides
        [
            _mark("groin", "left"),
            _mark("groin", "right"),
            _mark("knee_anterior", "left"),
            _mark("knee_anterior", "right"),
        ],
        # different on each side: neither includes the other
        [
            _mark("groin", "left"),
            _mark("groin", "right"),
            _mark("calf", "left"),
            _mark("knee_anterior", "right"),
        ],
    ],
)
def test_the_same_or_different_symptoms_on_each_side_stay_bilateral(marks: list[dict[str, Any]]) -> None:
    assert _none_side(_case(marks)) == "bilateral"


def test_a_sided_finding_counts_with_the_regions() -> None:
    """Knee pain on both sides and a swollen left leg: the left has everything the right has."""
    case = _case(
        [_mark("knee_anterior", "left"), _mark("knee_anterior", "right")],
        [{"id": "leg_swelling", "side": "left"}],
    )
    assert _none_side(case) == "left"


def test_one_case_and_a_batch_name_the_same_side() -> None:
    cases = [
        GROINS_AND_LEFT_LEG,
        _mirrored(GROINS_AND_LEFT_LEG),
        _case([_mark("calf", "left"), _mark("calf", "right")]),
    ]
    batch = assess_many(cases, detail="headline")
    for case, together in zip(cases, batch, strict=True):
        alone = assess(case, detail="headline")
        assert together.localization[0].side == alone.localization[0].side
    assert [a.localization[0].side for a in batch][:2] == ["left", "right"]
