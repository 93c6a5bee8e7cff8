"""The text rules are data: every id they name exists in the knowledge base, none is derived."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import nervemap.nlp
from nervemap.knowledge.loader import default_knowledge
from nervemap.nlp.rules import FindingRule, load_rules


def test_public_api() -> None:
    assert sorted(nervemap.nlp.__all__) == [
        "ExtractedItem",
        "Extraction",
        "MAX_CHARS",
        "extract",
        "extract_bytes",
        "extract_many",
    ]


# Derived findings the text may also state in words: "sudden onset" is read both as the case's onset
# (nlp/read_patient._onset, which skips a negated or uncertain sudden_onset mention) and as the finding
# reported; the report agrees with the onset it sets, and a reported finding overrides a derived one.
# "both legs numb" is symptoms in both legs (bilateral_leg_symptoms), which the engine derives only from a
# pain map of named regions; a note's partial pain map never derives its absence, so the two cannot disagree.
# The same holds for its numbness-or-tingling part, bilateral_leg_numbness (a cauda equina red flag when new).
# Saddle sensory loss on examination (perianal_sensory_loss) is written in words as often as graded as a
# sensory test of the saddle, from which the engine derives it; the words state the same finding, and a
# stated finding overrides a derived one.
STATED_AS_WELL = {"sudden_onset", "bilateral_leg_symptoms", "bilateral_leg_numbness", "perianal_sensory_loss"}


def test_finding_ids_exist_and_are_not_derived() -> None:
    findings = {f.id: f for f in default_knowledge().knowledge.findings}
    rules = load_rules()
    named = {fid for rule in rules.findings for fid in rule.ids} | {t.finding for t in rules.tests}
    assert named - findings.keys() == set()
    assert {fid for fid in named if findings[fid].derive is not None} == STATED_AS_WELL


def test_anatomy_ids_exist() -> None:
    anatomy = default_knowledge().knowledge.anatomy
    body = load_rules().body
    regions = {r.id for r in anatomy.regions}
    assert {r for rule in body.regions for r in rule.regions} <= regions
    assert {m.movement for m in body.movements} <= {m.id for m in anatomy.movements}
    reflexes = {r.id for r in anatomy.reflexes} | {"all", "other"}
    assert {r.reflex for r in body.reflexes} <= reflexes


def test_rules_reject_unknown_keys() -> None:
    with pytest.raises(ValidationError):
        FindingRule.model_validate({"finding": "fever", "phrases": ["fever"], "colour": "red"})
    with pytest.raises(ValidationError):
        FindingRule.model_validate({"finding": "fever"})


def test_every_phrase_compiles() -> None:
    from nervemap.nlp.matching import matchers

    assert matchers().by_trigger
