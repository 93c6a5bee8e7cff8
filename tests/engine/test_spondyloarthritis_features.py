"""Axial SpA features of Rudwaleit 2006 (Table 1; issue 12): a present feature multiplies the odds
of axial spondyloarthritis by its published LR+, and the features the source says to ignore when
negative (enthesitis, uveitis) leave it unchanged when absent."""

from __future__ import annotations

from typing import Any

import pytest

from nervemap.engine.assess import assess

BASE: dict[str, Any] = {"age": 30, "sex": "male", "duration_days": 200, "findings": [{"id": "back_pain"}]}


def _p(extra: list[dict[str, str]]) -> float:
    case = {**BASE, "findings": [*BASE["findings"], *extra]}
    a = assess(case)
    return next((d.probability for d in a.differential if d.id == "axial_spondyloarthritis"), 0.0)


def _odds_ratio(extra: list[dict[str, str]]) -> float:
    before, after = _p([]), _p(extra)
    return (after / (1 - after)) / (before / (1 - before))


@pytest.mark.parametrize(
    ("finding", "lr_positive"),
    [("heel_enthesitis", 3.4), ("anterior_uveitis_history", 7.3), ("family_history_spondyloarthritis", 6.4)],
)
def test_present_feature_applies_about_its_published_ratio(finding: str, lr_positive: float) -> None:
    # the other conditions do not list these features, so the odds against the rest move by LR+
    # (within the rounding of the published sensitivity and specificity)
    assert _odds_ratio([{"id": finding}]) == pytest.approx(lr_positive, rel=0.1)


@pytest.mark.parametrize("finding", ["heel_enthesitis", "anterior_uveitis_history"])
def test_absent_late_feature_is_neutral(finding: str) -> None:
    assert _p([{"id": finding, "status": "absent"}]) == pytest.approx(_p([]), rel=1e-6)


def test_absent_nsaid_response_lowers_axial_spa() -> None:
    assert _p([{"id": "nsaid_good_response", "status": "absent"}]) < _p([])
