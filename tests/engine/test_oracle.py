"""The vectorised engine against brute-force enumeration of the joint model."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nervemap.engine.assess import infer_encoded
from nervemap.engine.case import Case
from nervemap.engine.compiled import CompiledKnowledge
from nervemap.engine.encode import encode_case

from .strategies import cases


def brute_force(compiled: CompiledKnowledge, case: Case) -> tuple[list[float], list[float]]:
    """Enumerate every (condition, site) pair with plain Python products."""
    encoded = encode_case(case, compiled)
    model = compiled.knowledge.localisation
    weight = model.absence_weight.value
    joint: dict[tuple[int, int], float] = {}
    for c, condition in enumerate(compiled.conditions):
        value = condition.prior[case.setting].value
        for f in range(len(compiled.finding_ids)):
            # the published ratios against each figure's own comparator (see applied_likelihood)
            if encoded.scored_present[f]:
                value *= compiled.applied[(c, f)].ratio_present if (c, f) in compiled.applied else 1.0
            elif encoded.scored_absent[f]:
                value *= compiled.applied[(c, f)].ratio_absent if (c, f) in compiled.applied else 1.0
        for h in range(len(compiled.hypotheses)):
            link = compiled.site_given_condition[c, h]
            if link == 0:
                continue
            site = link
            n_sites = len(compiled.hypotheses)
            for row in np.flatnonzero(encoded.sign_states):
                site *= math.exp(compiled.sign_log_factor[row, c * n_sites + h])
            for o in range(len(compiled.observations)):
                p = math.exp(compiled.loc_log_present[h, o])
                if encoded.observed_present[o]:
                    site *= p
                elif encoded.observed_absent[o]:
                    site *= (1 - p) ** weight
            joint[(c, h)] = value * site
    total = sum(joint.values())
    conditions = [0.0] * len(compiled.conditions)
    sites = [0.0] * len(compiled.hypotheses)
    for (c, h), value in joint.items():
        conditions[c] += value / total
        sites[h] += value / total
    return conditions, sites


@settings(max_examples=60, deadline=None, database=None, derandomize=True)
@given(data=st.data())
def test_engine_matches_brute_force(small_kb: CompiledKnowledge, data: st.DataObject) -> None:
    case = data.draw(cases(small_kb))
    posterior = infer_encoded(small_kb, [encode_case(case, small_kb)])
    conditions, sites = brute_force(small_kb, case)
    np.testing.assert_allclose(posterior.conditions[0], conditions, atol=1e-9)
    np.testing.assert_allclose(posterior.sites[0], sites, atol=1e-9)


def test_batch_equals_one_by_one(small_kb: CompiledKnowledge) -> None:
    batch = [
        Case(age=30, findings=[{"id": "back_pain"}]),  # type: ignore[list-item]
        Case(age=70, findings=[{"id": "urinary_retention"}]),  # type: ignore[list-item]
        Case(strength=[{"movement": "ankle_dorsiflexion", "side": "right", "grade": 3}]),  # type: ignore[list-item]
    ]
    encoded = [encode_case(c, small_kb) for c in batch]
    together = infer_encoded(small_kb, encoded)
    for i, item in enumerate(encoded):
        alone = infer_encoded(small_kb, [item])
        np.testing.assert_allclose(together.conditions[i], alone.conditions[0])
        np.testing.assert_allclose(together.sites[i], alone.sites[0])
