"""An aspect of the thigh is read as that aspect whatever its determiner or number (issue 14)."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _regions(text: str) -> set[tuple[str, str | None]]:
    return {(m.region, m.side) for m in extract(text).case.pain_map or [] if m.region.startswith("thigh_")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Back pain spreading down the back of both thighs.",
            {("thigh_posterior", "left"), ("thigh_posterior", "right")},
        ),
        ("Pain at the front of both thighs.", {("thigh_anterior", "left"), ("thigh_anterior", "right")}),
        ("Pain down the backs of her thighs.", {("thigh_posterior", None)}),
        ("Numbness over the outer side of the right thigh.", {("thigh_lateral", "right")}),
        ("Pain in the inner aspect of both thighs.", {("thigh_medial", "left"), ("thigh_medial", "right")}),
    ],
)
def test_an_aspect_of_the_thighs_is_not_the_whole_thigh(
    text: str, expected: set[tuple[str, str | None]]
) -> None:
    assert _regions(text) == expected


def test_a_thigh_named_without_its_aspect_is_still_the_whole_thigh() -> None:
    found = _regions("Pain in the left thigh.")
    assert found == {(f"thigh_{a}", "left") for a in ("anterior", "lateral", "medial", "posterior")}
