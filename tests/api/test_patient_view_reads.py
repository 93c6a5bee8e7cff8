"""Patient views read what they show (issue 16 item 4): the stored assessment is validated once and
without the evidence record (no patient page or link shows it), and says the same to the patient."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment
from nervemap.presentation.plain import patient_view
from nervemap.services.assessments import AssessmentRecord, for_patient

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "cases.jsonl"


def _record(output: dict[str, Any]) -> AssessmentRecord:
    return cast(AssessmentRecord, SimpleNamespace(output=output))


def test_the_patient_view_is_the_same_without_the_evidence() -> None:
    at = datetime(2026, 12, 5, tzinfo=UTC)
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        output = assess(json.loads(line)["case"]).model_dump(mode="json", by_alias=True)
        shown = for_patient(_record(output))
        assert all(not e.evidence.for_ and not e.evidence.against for e in shown.differential)
        assert all(not e.evidence.for_ and not e.evidence.against for e in shown.localization)
        whole = Assessment.model_validate(output)
        assert shown.model_dump(exclude={"differential", "localization"}) == whole.model_dump(
            exclude={"differential", "localization"}
        )
        assert [(e.id, e.probability) for e in shown.differential] == [
            (e.id, e.probability) for e in whole.differential
        ]
        assert patient_view(shown, at) == patient_view(output, at)
        assert output["differential"][0]["evidence"]["for"]  # the stored record keeps its evidence
