"""The one-case path's shortcuts give exactly what they replace (issue 16, session 12): the
encoder's pain-map rules read in one pass over the marks against each rule's own derivation, and
the triage basis's printed probability against rounding to 9 decimals first."""

from __future__ import annotations

import random

from hypothesis import given, settings

from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled
from nervemap.engine.core import _shown
from nervemap.engine.encode import PAIN_MAP, _derivation, _pain_map_met, _tables

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
