"""A case that states no side gives its leading site without one (issue 14, Build 3).

Before: the left and the right twin of a site scored exactly alike and the tie was broken to the
left, so "plantar flexion 4/5, ankle jerk absent" (no side anywhere) printed "S1 root (left)" at
half the site's probability, and the evaluation counted that as a side hit when the answer key said
left. Unknown is not left: the twins are one entry, side None, with the probability of the site on
either side, and a note says the side was not stated.
"""

from __future__ import annotations

from typing import Any

import pytest

from nervemap.engine.assess import SIDE_NOT_STATED, assess, headlines
from nervemap.engine.compiled import default_compiled
from nervemap.evaluation.metrics import Expectation, side_accuracy, top_side


def _s1_picture(side: str | None) -> dict[str, Any]:
    return {
        "age": 45,
        "sex": "male",
        "strength": [{"movement": "ankle_plantarflexion", "side": side, "grade": 4}],
        "reflexes": [{"reflex": "achilles", "side": side, "grade": 0}],
    }


def test_an_unsided_case_names_the_site_without_a_side() -> None:
    result = assess(_s1_picture(None))
    top = result.localization[0]
    assert top.root == "S1"
    assert top.side is None
    assert SIDE_NOT_STATED in result.notes
    # one entry per site: no left and right twin listed side by side
    keys = [(s.site_id, s.side) for s in result.localization]
    assert len(keys) == len(set(keys))
    assert ("root:S1", "left") not in keys and ("root:S1", "right") not in keys


def test_the_unsided_entry_carries_the_probability_of_both_sides() -> None:
    compiled = default_compiled()
    core = headlines([_s1_picture(None)], compiled)[0]
    index = {h.key: i for i, h in enumerate(compiled.hypotheses)}
    left, right = core.sites[index["root:S1:left"]], core.sites[index["root:S1:right"]]
    assert left == pytest.approx(right)
    unsided = assess(_s1_picture(None)).localization[0]
    assert unsided.probability == pytest.approx(left + right, abs=1e-6)
    # the site on either side: twice either half, not the half a tie broken to the left showed
    assert unsided.probability == pytest.approx(2 * left, abs=1e-6)


@pytest.mark.parametrize("side", ["left", "right"])
def test_a_stated_side_is_kept(side: str) -> None:
    result = assess(_s1_picture(side))
    assert result.localization[0].root == "S1"
    assert result.localization[0].side == side
    assert SIDE_NOT_STATED not in result.notes


def test_a_side_not_stated_is_never_a_side_hit() -> None:
    result = assess(_s1_picture(None))
    assert top_side(result) is None
    expectation = Expectation(side="left")
    assert side_accuracy([(expectation, result)]).hits == 0


def test_the_headline_and_the_full_record_agree() -> None:
    case = _s1_picture(None)
    full, headline = assess(case), assess(case, detail="headline")
    assert [(s.site_id, s.side, s.probability) for s in full.localization] == [
        (s.site_id, s.side, s.probability) for s in headline.localization
    ]
    assert full.notes == headline.notes
