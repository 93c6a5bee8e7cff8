"""A knee reached from the thigh or buttock ("down the back of both thighs to the knees") is where
that pain stops, not pain at the front of the knee (issue 14, M s14).

Read as the front of the knee, such a note put pain in the L3/L4 map of a patient whose pain runs
down the back of the thighs (S1/L5), on both sides: a wrong region for every root concerned.
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]

KNEE = {"knee_anterior", "knee_medial", "knee_lateral", "popliteal_fossa"}


def _pain(text: str) -> set[tuple[str, str | None]]:
    return {(m.region, m.side) for m in extract(text).case.pain_map or [] if m.kind == "pain"}


@pytest.mark.parametrize(
    ("text", "region", "sides"),
    [
        (
            "Back pain spreading down the back of both thighs to the knees.",
            "thigh_posterior",
            {"left", "right"},
        ),
        ("Pain spreads down the back of the left thigh to the knee.", "thigh_posterior", {"left"}),
        ("Pain down the outside of the right thigh to the knee.", "thigh_lateral", {"right"}),
    ],
)
def test_a_knee_reached_from_the_thigh_is_the_end_of_that_thigh_pain(
    text: str, region: str, sides: set[str]
) -> None:
    pain = _pain(text)
    assert {side for r, side in pain if r == region} == sides
    assert not {r for r, _ in pain} & KNEE


def test_a_knee_reached_from_the_buttock_is_the_thigh_between_them() -> None:
    regions = {r for r, side in _pain("Pain from the buttock to the knee on the right.") if side == "right"}
    assert "buttock" in regions
    assert "thigh_posterior" in regions
    assert not regions & KNEE


@pytest.mark.parametrize(
    "text",
    ["Pain radiating to the knee from the hip.", "Left knee pain when climbing stairs."],
)
def test_pain_that_goes_to_the_knee_from_elsewhere_is_still_knee_pain(text: str) -> None:
    assert "knee_anterior" in {r for r, _ in _pain(text)}
