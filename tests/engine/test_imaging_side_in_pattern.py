"""An imaging lesion's side counts towards the one- or both-sided pattern (issue 14, property 1).

'Left leg pain; MRI: left foraminal L4-5 disc herniation compressing the exiting L4 root' is a
one-sided picture, but the leg pain was the only sided observation of the laterality pattern (two
are the least that make one), so nothing told a both-sided site from a one-sided one and the
several-root site on both sides came first (0.29) on the stenosis prior of a 60-year-old. The side
of an imaging lesion on a side where the clinical findings are confirms that side; on the other side
it is discordant imaging (shown by the concordance) and never makes the picture both-sided.
"""

from __future__ import annotations

from typing import Any

import pytest

from nervemap import assess, assess_many


def _case(side: str, imaging_side: str, regions: tuple[str, ...] = ("calf",)) -> dict[str, Any]:
    return {
        "age": 60,
        "sex": "female",
        "pain_map": [{"region": region, "side": side} for region in regions],
        "pain_map_complete": False,
        "imaging": [{"kind": "disc-herniation", "level": "L4-L5", "zone": "foraminal", "side": imaging_side}],
    }


@pytest.mark.parametrize("side", ["left", "right"])
def test_one_sided_pain_and_imaging_make_no_bilateral_site_top(side: str) -> None:
    top = assess(_case(side, side), detail="headline").localization[0]
    assert top.side == side  # a root, or the one-sided variant of the several-root site


@pytest.mark.parametrize(("side", "other"), [("left", "right"), ("right", "left")])
def test_imaging_on_the_other_side_does_not_make_the_picture_both_sided(side: str, other: str) -> None:
    # discordant imaging (concordance shows it): a one-sided clinical picture keeps its side
    top = assess(_case(side, other, ("calf", "heel", "thigh_posterior")), detail="headline").localization[0]
    assert top.side == side


def test_the_batch_encoder_counts_it_the_same() -> None:
    cases = [
        _case("left", "left"),
        _case("right", "right"),
        _case("left", "bilateral"),
        _case("left", "right"),
    ]
    for one, many in zip(cases, assess_many(cases, detail="headline"), strict=True):
        single = assess(one, detail="headline")
        for a, b in zip(single.localization, many.localization, strict=True):
            assert (a.site_id, a.side) == (b.site_id, b.side)
            assert a.probability == pytest.approx(b.probability, abs=1e-9)
