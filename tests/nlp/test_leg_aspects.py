"""The outer side of the lower leg and two aspects of one part named together (issue 14, L s10)."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _regions(text: str) -> set[tuple[str, str | None]]:
    return {(m.region, m.side) for m in extract(text).case.pain_map or []}


@pytest.mark.parametrize(
    "text",
    [
        "Pain radiates to the outer side of the lower leg on the right.",
        "Pain over the lateral aspect of her right calf.",
        "Burning along the outside of the right shin.",
    ],
)
def test_the_outer_side_of_the_lower_leg_is_the_lateral_leg(text: str) -> None:
    assert _regions(text) == {("leg_lateral", "right")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She has pain in the front and inner side of the left thigh.", {"thigh_anterior", "thigh_medial"}),
        ("Pain in the front and outer side of the left thigh.", {"thigh_anterior", "thigh_lateral"}),
        ("Pain in the outer and back part of the left calf.", {"leg_lateral", "calf"}),
        ("Aching over the inner and front aspects of the left shin.", {"leg_medial", "leg_anterior"}),
    ],
)
def test_two_aspects_of_one_part_are_both_aspects(text: str, expected: set[str]) -> None:
    assert _regions(text) == {(region, "left") for region in expected}


def test_a_leading_back_stays_the_back() -> None:
    found = _regions("Pain in the low back and outer thigh on the left.")
    assert ("thigh_posterior", "left") not in found
    assert ("thigh_lateral", "left") in found
