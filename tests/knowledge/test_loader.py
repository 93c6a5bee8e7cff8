"""Loading: round trip, and one deliberately broken file per validator rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nervemap.knowledge.loader import LoadedKnowledge, read_knowledge
from nervemap.knowledge.models import KnowledgeBase
from nervemap.knowledge.validator import check_knowledge

from ..conftest import FIXTURES, SMALL_KB

BROKEN = FIXTURES / "broken"

# broken fixture -> (file named in the message, key fragment, reason fragment)
EXPECTED = {
    "yaml_syntax": ("conditions/strain.yaml", "line", "invalid YAML"),
    "unknown_key": ("conditions/strain.yaml", "likelihods", "Extra inputs are not permitted"),
    "wrong_type": ("conditions/strain.yaml", "prior.primary-care.value", "valid number"),
    "probability_out_of_range": (
        "conditions/strain.yaml",
        "likelihoods[0].p",
        "strictly between 0 and 1",
    ),
    "missing_source": ("conditions/strain.yaml", "likelihoods[0].p.source", "Field required"),
    "estimate_without_reason": ("conditions/strain.yaml", "likelihoods[0].p", "needs a 'reason'"),
    "unknown_source": ("conditions/strain.yaml", "back_pain", "unknown source 'nobody-1999'"),
    "unknown_finding": (
        "conditions/strain.yaml",
        "[strain].likelihoods",
        "unknown finding 'back_pian'",
    ),
    "unknown_region": ("anatomy/roots.yaml", "[L5].dermatome", "unknown region 'foot_dorsal'"),
    "invalid_icd10": ("conditions/strain.yaml", "icd10[M51.36]", "not billable"),
    "no_distinguishing_finding": (
        "conditions/strain.yaml",
        "likelihoods",
        "no distinguishing finding",
    ),
    "unused_finding": ("findings/extra.yaml", "[orphan_finding]", "never used"),
    "unused_region": ("anatomy/regions.yaml", "[forearm]", "never used"),
    "duplicate_id": ("findings/extra.yaml", "[back_pain]", "duplicate finding id"),
    "duplicate_source": ("sources/repeated.yaml", "[fixture-source]", "source already defined in"),
    "incomplete_exclusive_group": (
        "conditions/strain.yaml",
        "likelihoods[age_band]",
        "exclusive group 'age_band' is incomplete",
    ),
    "exclusive_group_not_a_distribution": (
        "conditions/strain.yaml",
        "likelihoods[age_band]",
        "sums to 1.300, not 1",
    ),
    "likelihood_not_a_probability": (
        "conditions/strain.yaml",
        "likelihoods[leg_crossing]",
        "is not a probability",
    ),
}


def _problems(folder: Path) -> list[str]:
    loaded, problems = read_knowledge(folder)
    if loaded is not None:
        problems = check_knowledge(loaded, required_roots=())
    return [f"{p.file}|{p.key}|{p.message}" for p in problems]


def test_fixture_knowledge_base_is_clean() -> None:
    assert _problems(SMALL_KB) == []


def test_every_broken_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_broken_file_is_reported_with_file_key_and_reason(rule: str, tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    shutil.copytree(SMALL_KB, folder)
    shutil.copytree(BROKEN / rule, folder, dirs_exist_ok=True)
    file, key, reason = EXPECTED[rule]
    problems = _problems(folder)
    matching = [p for p in problems if p.startswith(file) and key in p and reason in p]
    assert matching, f"{rule}: expected {file} / {key} / {reason} in {problems}"


def test_several_problems_are_all_reported_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    shutil.copytree(SMALL_KB, folder)
    shutil.copytree(BROKEN / "unknown_key", folder, dirs_exist_ok=True)
    shutil.copytree(BROKEN / "unknown_region", folder, dirs_exist_ok=True)
    shutil.copytree(BROKEN / "duplicate_id", folder, dirs_exist_ok=True)
    problems = _problems(folder)
    assert any("likelihods" in p for p in problems)
    assert any("duplicate finding id" in p for p in problems)


def test_round_trip(small_loaded: LoadedKnowledge) -> None:
    kb = small_loaded.knowledge
    again = KnowledgeBase.model_validate(kb.model_dump(mode="json"))
    assert again == kb
    assert again.model_dump(mode="json") == kb.model_dump(mode="json")


def test_knowledge_objects_are_immutable(small_loaded: LoadedKnowledge) -> None:
    condition = small_loaded.knowledge.conditions[0]
    with pytest.raises(Exception, match="frozen"):
        condition.name = "changed"  # type: ignore[misc]


def test_packaged_knowledge_base_passes_every_integrity_check() -> None:
    from nervemap.knowledge import default_knowledge

    assert check_knowledge(default_knowledge()) == []
