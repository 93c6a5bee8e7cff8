"""followup.yaml is knowledge: validated, cited, counted."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nervemap.knowledge.loader import LoadedKnowledge, default_knowledge, followup_of
from nervemap.knowledge.models import EXPERT_ESTIMATE, FollowupRule
from nervemap.knowledge.validator import check_knowledge, iter_numbers


def test_every_followup_number_is_counted_and_cited() -> None:
    kb = default_knowledge().knowledge
    numbers = [(path, n) for path, n in iter_numbers(kb) if path.startswith("followup")]
    assert len(numbers) >= 15
    sources = {s.id for s in kb.sources}
    for path, number in numbers:
        if number.source == EXPERT_ESTIMATE:
            assert number.reason, path
        else:
            assert number.source in sources and number.detail, path


def test_the_published_minimal_important_changes() -> None:
    followup = followup_of(default_knowledge().knowledge)
    mic = {
        m.id: (m.minimal_important_change.value, m.minimal_important_change.source) for m in followup.measures
    }
    assert mic["leg_pain"] == (2.0, "ostelo-2008")
    assert mic["rmdq"] == (5.0, "ostelo-2008")
    assert mic["odi"] == (10.0, "ostelo-2008")
    assert mic["psfs"][1] == "maughan-lewis-2010"
    assert followup.function_measures[0] == "psfs"  # free to use: the one nervemap asks


def _with_followup(**changes: object) -> LoadedKnowledge:
    loaded = default_knowledge()
    followup = followup_of(loaded.knowledge).model_copy(update=changes)
    return LoadedKnowledge(loaded.knowledge.model_copy(update={"followup": followup}), loaded.origins)


def test_the_check_catches_a_broken_reference() -> None:
    followup = followup_of(default_knowledge().knowledge)
    broken = followup.rules[0].model_copy(update={"sources": ["no-such-paper"], "plan_step": "no_such_step"})
    problems = check_knowledge(_with_followup(rules=[broken, *followup.rules[1:]]), check_codes=False)
    messages = [str(p) for p in problems if p.file == "followup.yaml"]
    assert any("no-such-paper" in m for m in messages)
    assert any("no_such_step" in m for m in messages)


def test_the_check_catches_an_unordered_schedule() -> None:
    followup = followup_of(default_knowledge().knowledge)
    schedule = followup.schedule.model_copy(
        update={"conservative": list(reversed(followup.schedule.conservative))}
    )
    problems = check_knowledge(_with_followup(schedule=schedule), check_codes=False)
    assert any(p.key == "schedule.conservative" for p in problems)


def test_a_rule_needs_the_parameters_of_its_kind() -> None:
    with pytest.raises(ValidationError, match="lacks the fields"):
        FollowupRule.model_validate(
            {
                "id": "x",
                "kind": "new_findings",
                "level": "urgent",
                "clinician": "c",
                "patient": "p",
                "sources": ["s"],
            }
        )


def test_a_knowledge_base_without_followup_uses_the_packaged_rules() -> None:
    kb = default_knowledge().knowledge
    bare = kb.model_copy(update={"followup": None})
    assert followup_of(bare) is kb.followup


def test_patient_wording_is_plain() -> None:
    """What a patient reads from a rule or step is at US grade 8 or below (as for plan steps)."""
    from tests.web.readability import MAX_GRADE, grade

    followup = followup_of(default_knowledge().knowledge)
    texts = [r.patient for r in followup.rules] + [s.patient for s in followup.steps]
    texts += [m.patient_name for m in followup.measures if len(m.patient_name.split()) > 3]
    for text in texts:
        assert grade(text) <= MAX_GRADE, text
