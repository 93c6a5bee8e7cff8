from __future__ import annotations

from importlib import resources

import pytest
import yaml
from pydantic import ValidationError

from nervemap.engine.compiled import default_compiled
from nervemap.interview.catalogue import Kind, check_catalogue, default_catalogue, parse_catalogue


def test_every_reference_exists_in_the_knowledge_base() -> None:
    assert check_catalogue(default_catalogue(), default_compiled()) == []


def test_screen_comes_first_and_exam_items_are_clinician_only() -> None:
    catalogue = default_catalogue()
    phases = [q.phase for q in catalogue.questions]
    assert phases[:2] == ["screen", "screen"] and "screen" not in phases[2:]
    exam = (Kind.EXAM_STRENGTH, Kind.EXAM_REFLEX, Kind.SIDE_TEST, Kind.IMAGING)
    assert all(q.mode == "clinician" for q in catalogue.questions if q.kind in exam)
    screened = {f for q in catalogue.questions if q.phase == "screen" for f in q.finding_ids}
    assert {"urinary_retention", "saddle_numbness", "bowel_incontinence_new", "fever"} <= screened


def _raw() -> dict[str, object]:
    raw = yaml.safe_load(resources.files("nervemap.interview").joinpath("data/questions.yaml").read_text())
    assert isinstance(raw, dict)
    return raw


def test_unknown_key_is_rejected_by_name() -> None:
    raw = _raw()
    raw["questions"][0]["colour"] = "blue"  # type: ignore[index]
    with pytest.raises(ValidationError, match="colour"):
        parse_catalogue(yaml.safe_dump(raw))


def test_unknown_finding_and_double_setting_are_reported() -> None:
    raw = _raw()
    questions = raw["questions"]
    assert isinstance(questions, list)
    questions.append(
        {
            "id": "bogus",
            "mode": "patient",
            "kind": "yes_no_unknown",
            "findings": ["no_such_finding", "fever"],
            "patient": "?",
            "clinician": "?",
            "why": "because",
            "cost": 1,
        }
    )
    problems = check_catalogue(parse_catalogue(yaml.safe_dump(raw)), default_compiled())
    assert "question 'bogus': unknown finding 'no_such_finding'" in problems
    assert any("'fever' is also set by question" in p for p in problems)


def test_exam_items_cannot_be_asked_of_patients() -> None:
    raw = _raw()
    questions = raw["questions"]
    assert isinstance(questions, list)
    strength = next(q for q in questions if q["kind"] == "exam_strength")
    strength["mode"] = "both"
    strength["patient"] = "How strong is your ankle?"
    with pytest.raises(ValidationError, match="clinician-only"):
        parse_catalogue(yaml.safe_dump(raw))


def test_only_a_number_that_sets_no_finding_may_be_outside_the_budget() -> None:
    """A question that can move the diagnosis is always counted in the question budget (issue 19)."""
    raw = _raw()
    questions = raw["questions"]
    assert isinstance(questions, list)
    back_pain = next(q for q in questions if q["id"] == "back_pain")
    back_pain["budget"] = False
    with pytest.raises(ValidationError, match="outside the budget"):
        parse_catalogue(yaml.safe_dump(raw))


def _asking(finding: str) -> list[str]:
    raw = _raw()
    questions = raw["questions"]
    assert isinstance(questions, list)
    questions.append(
        {
            "id": "by_name",
            "mode": "clinician",
            "kind": "yes_no_unknown",
            "findings": [finding],
            "patient": "?",
            "clinician": "?",
            "why": "because",
            "cost": 1,
        }
    )
    return check_catalogue(parse_catalogue(yaml.safe_dump(raw)), default_compiled())


def test_a_finding_derived_from_the_pain_map_is_asked_through_the_map_not_by_name() -> None:
    assert any("'pain_below_knee' is derived from structured input" in p for p in _asking("pain_below_knee"))


def test_a_red_flag_derived_from_the_examination_may_also_be_asked_by_name() -> None:
    """Saddle sensory loss is derived from a sensory test of the saddle and asked by name
    (question saddle_exam): a clinician states it outright, which overrides the derivation. Foot drop,
    derived from graded strength and no red flag, is asked through the strength items."""
    assert not any("is derived from structured input" in p for p in _asking("perianal_sensory_loss"))
    assert any("'foot_drop' is derived from structured input" in p for p in _asking("foot_drop"))
