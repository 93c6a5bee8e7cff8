"""The patient's view of an assessment: plain language only, no identifiers, no clinician detail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nervemap.api.schemas import LikelyCause, PatientView
from nervemap.engine.assessment import Assessment
from nervemap.knowledge.loader import default_knowledge, thresholds_of
from nervemap.knowledge.models import PatientWording

URGENCY = {
    "emergency": "This needs emergency care now.",
    "urgent": "This needs to be seen by a doctor urgently, today.",
    "soon": "This should be seen by a doctor soon, within days.",
    "routine": "This can be seen by a doctor at a routine appointment.",
    "self-care": "This can usually be looked after at home to start with.",
}
MAX_CAUSES = 3


def _wording() -> PatientWording:
    """Probability cut-offs of the patient's words (thresholds.yaml, patient_wording)."""
    return thresholds_of(default_knowledge().knowledge).patient_wording


def _likelihood(probability: float) -> Any:
    wording = _wording()
    if probability >= wording.likely_from.value:
        return "most likely"
    return "possible" if probability >= wording.possible_from.value else "less likely"


def patient_view(output: dict[str, Any], assessed_at: datetime) -> PatientView:
    assessment = Assessment.model_validate(output)
    causes = [
        LikelyCause(name=entry.patient_name, likelihood=_likelihood(entry.probability))
        for entry in assessment.differential[:MAX_CAUSES]
        if entry.probability >= _wording().shown_from.value
    ]
    level = assessment.triage.level.value
    return PatientView(
        urgency=URGENCY.get(level, level),
        advice=assessment.triage.patient_advice,
        likely_causes=causes,
        enough_information=assessment.enough_information,
        assessed_at=assessed_at,
        disclaimer="This is computer support for your clinician, not a diagnosis. "
        "If you get worse, or notice new numbness, weakness, or bladder or bowel problems, get help at once.",
    )
