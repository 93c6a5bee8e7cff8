"""Clinical cut-points live in the knowledge base with their sources (issue 12 item 7)."""

from __future__ import annotations

import shutil
from pathlib import Path

from nervemap.engine.assessment import TriageResult
from nervemap.engine.case import Case
from nervemap.engine.severity import assess_severity
from nervemap.knowledge import default_knowledge
from nervemap.knowledge.loader import read_knowledge, thresholds_of
from nervemap.knowledge.models import EXPERT_ESTIMATE, Number, Severity, TriageLevel
from nervemap.knowledge.validator import check_knowledge

from ..conftest import SMALL_KB


def _triage() -> TriageResult:
    return TriageResult.model_validate(
        {"level": TriageLevel.ROUTINE, "red_flags": [], "reason": "t", "patient_advice": "t", "basis": []}
    )


def test_packaged_cut_points_are_cited_or_reasoned() -> None:
    thresholds = thresholds_of(default_knowledge().knowledge)
    assert thresholds.severity.pain_severe_min.source == "serlin-1995"
    assert thresholds.severity.odi_severe_above.source == "fairbank-2000"
    assert thresholds.plan_probability.source == EXPERT_ESTIMATE and thresholds.plan_probability.reason


def test_severity_follows_the_knowledge_base_cut_points() -> None:
    cut = thresholds_of(default_knowledge().knowledge).severity
    case = Case.model_validate({"scores": {"pain_nrs": 6}})
    assert assess_severity(case, set(), _triage(), cut).grade == Severity.MODERATE
    stricter = cut.model_copy(update={"pain_severe_min": Number(value=6, source="test")})
    assert assess_severity(case, set(), _triage(), stricter).grade == Severity.SEVERE


def test_a_small_knowledge_base_uses_the_packaged_cut_points() -> None:
    loaded, _ = read_knowledge(SMALL_KB)
    assert loaded is not None and loaded.knowledge.thresholds is None
    assert thresholds_of(loaded.knowledge) == default_knowledge().knowledge.thresholds


def test_cut_points_out_of_order_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    shutil.copytree(SMALL_KB, folder)
    packaged = Path(__file__).parents[2] / "src/nervemap/knowledge/data/thresholds.yaml"
    text = packaged.read_text().replace("pain_moderate_min: {value: 5,", "pain_moderate_min: {value: 8,")
    (folder / "thresholds.yaml").write_text(text)
    sources = Path(__file__).parents[2] / "src/nervemap/knowledge/data/sources/thresholds.yaml"
    shutil.copy(sources, folder / "sources" / "thresholds.yaml")
    shutil.copy(sources.parent / "guidelines.yaml", folder / "sources" / "guidelines.yaml")
    loaded, problems = read_knowledge(folder)
    assert loaded is not None, problems
    found = [
        f"{p.file}|{p.key}|{p.message}" for p in check_knowledge(loaded, required_roots=(), check_codes=False)
    ]
    assert any(p.startswith("thresholds.yaml|severity.pain|cut-points out of order") for p in found), found
