"""A saddle sensory loss found on examination is the cauda equina red flag however it is recorded
(reviewer R, session 14): as the named finding, as a sensory test of the saddle area, or in a note.
Before, a sensory test of the saddle graded reduced or absent fired no rule (triage routine)."""

from __future__ import annotations

from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled
from nervemap.engine.encode import encode_case
from nervemap.knowledge.models import TriageLevel


def _case(sensation: list[dict[str, Any]]) -> Case:
    return Case.model_validate(
        {
            "age": 50,
            "sex": "male",
            "findings": [{"id": "back_pain", "status": "present"}],
            "sensation": sensation,
        }
    )


@pytest.mark.parametrize("status", ["reduced", "absent"])
def test_saddle_sensation_lost_on_examination_is_an_emergency(status: str) -> None:
    assessment = assess(_case([{"region": "saddle", "status": status}]))
    assert assessment.triage.level == TriageLevel.EMERGENCY
    assert "ces_sphincter_or_saddle" in {flag.id for flag in assessment.triage.red_flags}
    # and the condition it flags is in the differential beside it (reviewer R: it was not listed)
    assert "cauda_equina_syndrome" in [entry.id for entry in assessment.differential[:3]]


def test_normal_saddle_sensation_denies_the_finding_and_a_foot_test_leaves_it_unknown() -> None:
    """Unknown is not absent: a sensory examination of the foot says nothing of the saddle."""
    compiled = default_compiled()
    at = compiled.finding_index["perianal_sensory_loss"]
    tested_normal = encode_case(_case([{"region": "saddle", "status": "normal"}]), compiled)
    foot_only = encode_case(_case([{"region": "foot_dorsum", "side": "left", "status": "reduced"}]), compiled)
    assert tested_normal.absent[at] and not tested_normal.present[at]
    assert not foot_only.absent[at] and not foot_only.present[at]


def test_a_note_that_grades_the_saddle_sensation_is_an_emergency() -> None:
    from nervemap.nlp import extract

    case = extract("Low back pain for a week. Sensation absent in the saddle area.").case
    assert assess(case).triage.level == TriageLevel.EMERGENCY
