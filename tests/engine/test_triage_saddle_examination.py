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


def _named(status: str) -> Case:
    return Case.model_validate(
        {
            "age": 50,
            "sex": "male",
            "findings": [
                {"id": "back_pain", "status": "present"},
                {"id": "perianal_sensory_loss", "status": status},
            ],
        }
    )


def _ranked(case: Case) -> list[tuple[str, float]]:
    return [(entry.id, round(entry.probability, 6)) for entry in assess(case).differential[:5]]


def test_the_named_sign_and_the_saddle_test_give_one_differential() -> None:
    """One scoring path (E s15, reviewer R s14 on 42a04bf): the sign named outright is the saddle test
    graded reduced, so both inform the site model and the conditions alike. Before, the named sign left
    cauda equina syndrome third (0.11) where the saddle test put it first (0.56)."""
    named, examined = _named("present"), _case([{"region": "saddle", "status": "reduced"}])
    assert _ranked(named) == _ranked(examined)
    assert _ranked(named)[0][0] == "cauda_equina_syndrome"
    assert assess(named).triage.level == TriageLevel.EMERGENCY
    # denied by name or found normal on examination: the same as well
    assert _ranked(_named("absent")) == _ranked(_case([{"region": "saddle", "status": "normal"}]))


def test_a_saddle_test_given_is_not_overwritten_by_the_named_sign() -> None:
    compiled = default_compiled()
    from nervemap.engine.encode import with_examined_signs

    case = Case.model_validate(
        {
            "age": 50,
            "sex": "male",
            "findings": [{"id": "perianal_sensory_loss", "status": "present"}],
            "sensation": [{"region": "saddle", "status": "absent"}],
        }
    )
    assert with_examined_signs(case, compiled).sensation == case.sensation
    plain = _case([])  # no such sign named: the case itself, no test added
    assert with_examined_signs(plain, compiled) is plain
