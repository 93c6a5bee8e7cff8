"""The no-lesion site's chance that one given leg is the symptomatic one counts once per side, not
once per part of that leg named (issue 14 leftover of 5b2e140, session 9).

The cap 1 - u/2 (u: the no-lesion site's one-sided pattern) was applied to every observation of a
part of one leg, so "pain in the right leg" with "numbness in the right thigh" scored it twice
(0.6 x 0.6) and moved weight from "no lesion" to the lesions for saying the same leg twice. It is
now one observation per side ("one-leg"), and each part named is scored given that its leg is a
symptomatic one: P(part | leg) = P(part) / P(leg)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled
from nervemap.engine.encode import encode_case
from nervemap.knowledge.models import SiteKind

from .test_encode_batch import assert_same


def _none_log_likelihood(case: dict[str, Any]) -> float:
    compiled = default_compiled()
    encoded = encode_case(Case.model_validate(case), compiled)
    h = compiled.none_hypothesis
    # the observations of legs and their parts (not the one-sided pattern the findings also make)
    legs = np.array([o.modality in ("one-leg", "pain-vague", "sensory-vague") for o in compiled.observations])
    return float((encoded.observed_present & legs).astype(float) @ compiled.loc_log_present[h])


def _cap() -> float:
    compiled = default_compiled()
    none_site = next(s for s in compiled.knowledge.anatomy.sites if s.kind == SiteKind.NONE)
    assert none_site.unilateral_pattern is not None
    return 1 - none_site.unilateral_pattern.value / 2


ONE_PART = {"age": 40, "sex": "male", "findings": [{"id": "radiating_leg_pain", "side": "right"}]}
TWO_PARTS = {
    "age": 40,
    "sex": "male",
    "findings": [{"id": "radiating_leg_pain", "side": "right"}, {"id": "leg_numbness", "side": "right"}],
}


def test_one_part_of_a_leg_named_scores_the_cap_once() -> None:
    assert _none_log_likelihood(ONE_PART) == pytest.approx(np.log(_cap()), abs=1e-6)


def test_a_second_part_of_the_same_leg_does_not_take_the_cap_again() -> None:
    # "pain in the right leg" and "numbness in the right leg": the leg is symptomatic once
    assert _none_log_likelihood(TWO_PARTS) > 2 * np.log(_cap()) + 0.1


def test_each_leg_named_is_counted_once() -> None:
    both = {
        "age": 40,
        "sex": "male",
        "findings": [{"id": "radiating_leg_pain", "side": "right"}, {"id": "leg_numbness", "side": "left"}],
    }
    compiled = default_compiled()
    encoded = encode_case(Case.model_validate(both), compiled)
    for side in ("left", "right"):
        assert encoded.observed_present[compiled.observation_index[f"one-leg:leg:{side}"]]


def test_a_leg_named_nowhere_leaves_the_observation_unknown() -> None:
    compiled = default_compiled()
    encoded = encode_case(Case.model_validate({"age": 40, "sex": "male"}), compiled)
    for side in ("left", "right"):
        at = compiled.observation_index[f"one-leg:leg:{side}"]
        assert not encoded.observed_present[at] and not encoded.observed_absent[at]


def test_the_batch_encoder_marks_the_same_legs() -> None:
    cases = [
        Case.model_validate(ONE_PART),
        Case.model_validate(TWO_PARTS),
        Case.model_validate({"age": 40, "sex": "male", "pain_map": [{"region": "calf", "side": "left"}]}),
        Case.model_validate(
            {"age": 40, "sex": "male", "pain_map": [{"region": "thigh_anterior", "side": "left"}]}
        ),
    ]
    assert_same(cases)


def test_lesion_sites_are_not_moved_by_the_leg_observation() -> None:
    compiled = default_compiled()
    lesions = [h for h, hypothesis in enumerate(compiled.hypotheses) if hypothesis.kind != SiteKind.NONE]
    for side in ("left", "right"):
        at = compiled.observation_index[f"one-leg:leg:{side}"]
        assert np.allclose(compiled.loc_log_present[lesions, at], 0.0, atol=1e-6)
