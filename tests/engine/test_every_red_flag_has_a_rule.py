"""A finding marked red_flag must escalate on its own (docs/safety.md: a red flag always escalates).

ascending_weakness was marked red_flag but named in no triage rule, and Guillain-Barre syndrome has no
suspicion threshold, so 'weakness climbing up to the thighs' with numb feet stayed routine (GBS 0.15,
third). triage.yaml ascending_weakness_gbs now escalates it (EAN/PNS 2023).
"""

from __future__ import annotations

from typing import Any

from nervemap.engine.assess import assess
from nervemap.knowledge import default_knowledge

RULE_KEYS = ("name", "reason", "patient_advice", "sources", "suspects", "level", "id")


def _named(value: Any, into: set[str]) -> None:
    if isinstance(value, str):
        into.add(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in RULE_KEYS:
                _named(item, into)
    elif isinstance(value, list):
        for item in value:
            _named(item, into)


def test_every_red_flag_finding_is_named_by_a_red_flag_rule() -> None:
    kb = default_knowledge().knowledge
    named: set[str] = set()
    for rule in kb.triage.red_flags:
        _named(rule.model_dump(), named)
    flags = {f.id for f in kb.findings if f.red_flag}
    assert flags, "no red-flag findings"
    assert sorted(flags - named) == []


def test_ascending_weakness_alone_is_an_emergency() -> None:
    for findings in (
        [{"id": "ascending_weakness"}],
        [{"id": "ascending_weakness"}, {"id": "distal_symmetric_sensory_symptoms"}, {"id": "leg_numbness"}],
    ):
        result = assess({"age": 45, "findings": findings})
        assert result.triage.level.value == "emergency", findings
        assert any(s.condition == "guillain_barre_syndrome" for s in result.triage.suspected)
