"""The order of the evidence record (engine/explain.py sorts each entry's items by one integer key
per item): every entry lists the items for it, then those against it, each largest |weight| first;
a site's items of equal weight in the order of their observations."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from nervemap.engine.assess import assess, assess_many
from nervemap.engine.assessment import Assessment, EvidenceSet
from nervemap.engine.compiled import default_compiled

ROOT = Path(__file__).resolve().parents[2]
CASES: list[dict[str, Any]] = [
    json.loads(line)["case"]
    for line in (ROOT / "tests" / "golden" / "cases.jsonl").read_text().splitlines()
    if line.strip()
]


def _check(evidence: EvidenceSet) -> None:
    assert all(item.weight > 0 for item in evidence.for_)
    assert all(item.weight < 0 for item in evidence.against)
    for items in (evidence.for_, evidence.against):
        sizes = [abs(item.weight) for item in items]
        assert sizes == sorted(sizes, reverse=True)


def _check_assessment(assessment: Assessment) -> None:
    observation = default_compiled().observation_index
    for entry in assessment.differential:
        _check(entry.evidence)
    for site in assessment.localization:
        _check(site.evidence)
        for items in (site.evidence.for_, site.evidence.against):
            for first, second in pairwise(items):
                if abs(first.weight) == abs(second.weight):
                    assert observation[first.finding] < observation[second.finding]


@pytest.mark.parametrize("case", CASES, ids=[str(case.get("id", i)) for i, case in enumerate(CASES)])
def test_each_entry_lists_for_then_against_largest_weight_first(case: dict[str, Any]) -> None:
    _check_assessment(assess(case))


def test_a_batch_lists_the_same_evidence_as_each_case_alone() -> None:
    cases = CASES[:12]
    for alone, together in zip([assess(case) for case in cases], assess_many(cases), strict=True):
        _check_assessment(together)
        assert alone.model_dump_json() == together.model_dump_json()


def test_the_golden_cases_show_evidence_on_both_sides() -> None:
    """The checks above are not vacuous: the golden cases' entries hold items for and against."""
    assessments = [assess(case) for case in CASES[:20]]
    sets = [entry.evidence for a in assessments for entry in [*a.differential, *a.localization]]
    assert sum(len(s.for_) for s in sets) > 100
    assert sum(len(s.against) for s in sets) > 20
