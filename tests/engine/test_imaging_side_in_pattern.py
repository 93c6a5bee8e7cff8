"""An imaging lesion's side counts towards the one- or both-sided pattern (issue 14, property 1).

'Left leg pain; MRI: left foraminal L4-5 disc herniation compressing the exiting L4 root' is a
one-sided picture, but the leg pain was the only sided observation of the laterality pattern (two
are the least that make one), so nothing told a both-sided site from a one-sided one and the
several-root site on both sides came first (0.29) on the stenosis prior of a 60-year-old. The side
of an imaging lesion is a side of the lesion's findings like a sided region, movement or reflex.
"""

from __future__ import annotations

from typing import Any

import pytest

from nervemap import assess, assess_many


def _case(side: str, imaging_side: str) -> dict[str, Any]:
    return {
        "age": 60,
        "sex": "female",
        "pain_map": [{"region": "calf", "side": side}],
        "pain_map_complete": False,
        "imaging": [{"kind": "disc-herniation", "level": "L4-L5", "zone": "foraminal", "side": imaging_side}],
    }


@pytest.mark.parametrize("side", ["left", "right"])
def test_one_sided_pain_and_imaging_make_no_bilateral_site_top(side: str) -> None:
    top = assess(_case(side, side), detail="headline").localization[0]
    assert top.side == side  # a root, or the one-sided variant of the several-root site


def test_imaging_on_both_sides_with_one_sided_pain_is_a_both_sided_pattern() -> None:
    # a both-sided lesion on imaging with pain on one side: not one-sided any more, so a
    # one-sided root gains nothing from the pattern over the several-root site
    one = assess(_case("left", "left"), detail="headline")
    both = assess(_case("left", "bilateral"), detail="headline")

    def root(result: Any) -> float:
        return sum(s.probability for s in result.localization if s.root == "L4" and s.side == "left")

    assert root(both) < root(one)


def test_the_batch_encoder_counts_it_the_same() -> None:
    cases = [_case("left", "left"), _case("right", "right"), _case("left", "bilateral")]
    for one, many in zip(cases, assess_many(cases, detail="headline"), strict=True):
        single = assess(one, detail="headline")
        for a, b in zip(single.localization, many.localization, strict=True):
            assert (a.site_id, a.side) == (b.site_id, b.side)
            assert a.probability == pytest.approx(b.probability, abs=1e-9)
