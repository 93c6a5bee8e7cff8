"""The one-case path's shortcuts give exactly what they replace (issue 16, sessions 12 and 14): the
encoder's pain-map rules read in one pass over the marks against each rule's own derivation, the
triage basis's printed probability against rounding to 9 decimals first, the red-flag rules found
through the findings they need against the batch's rule matrices, and each condition's best site
read from its linked sites against the whole row."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings

from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled
from nervemap.engine.core import _fired_one, _one_tables, _shown, tables
from nervemap.engine.encode import PAIN_MAP, _derivation, _pain_map_met, _tables
from nervemap.engine.explain import explainer
from nervemap.engine.ties import LOG_TOLERANCE, tie_argmax

from .datasets import all_cases
from .strategies import cases as random_cases


def _pain_map_values(case: Case) -> tuple[dict[int, bool | None], dict[int, bool | None]]:
    """Each pain-map rule's value for ``case``: as encode_case reads it, and by the rule itself."""
    compiled = default_compiled()
    tables = _tables(compiled)
    met = _pain_map_met(case, tables)
    fast: dict[int, bool | None] = {}
    reference: dict[int, bool | None] = {}
    for finding in compiled.derived_findings:
        rule = finding.derive
        at = compiled.finding_index.get(finding.id)
        if rule is None or at is None or rule.pain_map is None:
            continue
        if any(run[0] == at and run[3] != PAIN_MAP for run in tables.derived_runs):
            continue  # a rule that reads another input first (its age, say)
        if case.pain_map is None:
            fast[at] = None
        else:
            fast[at] = True if at in met else (False if case.pain_map_complete else None)
        reference[at] = _derivation(rule, PAIN_MAP)(case)
    return fast, reference


def test_pain_map_rules_on_every_test_case() -> None:
    checked = 0
    for case in all_cases():
        fast, reference = _pain_map_values(case)
        assert fast == reference, case.id
        checked += sum(value is True for value in fast.values())
    assert checked > 100  # the test sets meet these rules often


@settings(max_examples=200, deadline=None)
@given(random_cases(default_compiled()))
def test_pain_map_rules_on_random_cases(case: Case) -> None:
    fast, reference = _pain_map_values(case)
    assert fast == reference


def _reference_shown(probability: float) -> str:
    return f"{round(float(probability), 9):.2f}"


def test_printed_probability_at_every_boundary() -> None:
    """Values on and within a few rounding steps of each 0.xx5 boundary, where rounding to 9
    decimals first can change the printed text, and values far from one, where it cannot."""
    offsets = (0.0, 1e-15, 1e-12, 4e-10, 5e-10, 6e-10, 1e-9, 9.99e-9, 1e-8, 1.01e-8, 1e-7)
    for k in range(100):
        boundary = (k + 0.5) / 100
        for offset in offsets:
            for value in (boundary + offset, boundary - offset, boundary * (1 + offset)):
                if 0.0 <= value <= 1.0:
                    assert _shown(value) == _reference_shown(value), value
    rng = random.Random(16)
    for _ in range(200_000):
        value = rng.random()
        assert _shown(value) == _reference_shown(value), value
    for value in (0.0, 1.0, 1e-300, 0.125, 0.995, 0.005):
        assert _shown(value) == _reference_shown(value)


def test_fired_rules_from_needed_findings_match_the_batch_rules() -> None:
    """_fired_one looks only at the rules a present finding is needed by (session 14): the same
    rules as Tables.fired's matrix test, on every rule's own findings and on random sets."""
    t = tables(default_compiled())
    one = _one_tables(t)
    n_findings = len(t.compiled.finding_ids)
    rng = np.random.default_rng(14)
    sets: list[set[int]] = [set()]
    for all_of, any_of, groups, of, _, _ in one.clauses:
        sets.append({*all_of, *any_of[:1], *(group[0] for group in groups if group), *of})
    sets += [set(np.flatnonzero(rng.random(n_findings) < share).tolist()) for share in (0.02, 0.05, 0.1, 0.3)]
    sets += [set(rng.choice(sorted(one.red_flags), size=k, replace=False).tolist()) for k in (1, 2, 3, 5, 8)]
    fired_some = 0
    for present in sets:
        row = np.zeros((1, n_findings), dtype=bool)
        row[0, sorted(present)] = True
        expected = np.flatnonzero(t.fired(row)[0]).tolist()
        assert _fired_one(one, present) == expected, sorted(present)
        fired_some += bool(expected)
    assert fired_some > len(one.clauses) // 2  # the rules' own findings make most of them fire


def test_best_linked_site_matches_the_whole_row() -> None:
    """Explainer._best_sites (each condition's linked sites only) gives tie_argmax over the whole
    row, or declines (None) when an unlinked site could tie; ties within LOG_TOLERANCE included."""
    compiled = default_compiled()
    explain = explainer(compiled)
    n_conditions, n_sites = compiled.site_given_condition.shape
    conditions = list(range(n_conditions))
    rng = np.random.default_rng(14)
    answered = 0
    for trial in range(300):
        site_ll = rng.normal(0.0, [1.0, 30.0, 400.0][trial % 3], n_sites)
        if trial % 5 == 0:  # left/right twins and near-ties (within and beyond the tolerance)
            site_ll[1::2] = site_ll[0:-1:2] + rng.choice([0.0, 1e-10, -1e-10, 1e-8], n_sites // 2)
        top = float(site_ll.max())
        fast = explain._best_sites(conditions, site_ll.tolist(), top)
        whole = tie_argmax(explain.log_link + site_ll, LOG_TOLERANCE).tolist()
        if fast is not None:
            assert fast == whole
            answered += 1
    assert answered > 150
