"""Controls named in docs/safety.md that no other test pins down directly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.knowledge.models import TriageLevel
from tests.api.conftest import example

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "cases.jsonl"


def _golden(case_id: str) -> dict[str, Any]:
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        document: dict[str, Any] = json.loads(line)
        if document["id"] == case_id:
            return dict(document["case"])
    raise KeyError(case_id)


def test_self_care_is_never_advised_unless_the_red_flags_were_denied() -> None:
    """Self-care screen (knowledge triage.yaml, engine/triage.py): unknown is not 'no'."""
    case = _golden("nonspecific-lbp-acute")
    undenied = {**case, "findings": [f for f in case["findings"] if f.get("status") != "absent"]}
    result = assess(Case.model_validate(undenied)).triage
    assert result.level != TriageLevel.SELF_CARE
    assert any("not denied" in line for line in result.basis)


def test_an_empty_case_is_no_confident_answer() -> None:
    """Nothing to reason on: flagged, the output is a prior, and triage is not self-care."""
    assessment = assess(Case())
    assert assessment.enough_information is False
    assert assessment.triage.level != TriageLevel.SELF_CARE


@pytest.mark.parametrize("name", ["l5-left-disc", "cauda-equina", "fibular-neuropathy"])
def test_every_conclusion_carries_its_evidence_sources_and_versions(name: str) -> None:
    """Evidence record against automation bias: each reason is shown with its source."""
    assessment = assess(Case.model_validate(example(name)))
    assert assessment.knowledge_version and assessment.nervemap_version
    assert assessment.disclaimer.startswith("Decision support, not a diagnosis")
    assert assessment.triage.basis and assessment.triage.reason
    for flag in assessment.triage.red_flags:
        assert flag.sources and flag.findings
    top = assessment.differential[0]
    evidence = [*top.evidence.for_, *top.evidence.against]
    assert evidence and all(item.source for item in evidence)
    assert all(item.source for item in assessment.plan)
