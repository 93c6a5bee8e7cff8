"""Knowledge-base introspection: counts, every code, every number with its source."""

from __future__ import annotations

from typing import Any

from nervemap.knowledge.models import EXPERT_ESTIMATE, KnowledgeBase
from nervemap.knowledge.validator import iter_numbers


def stats(kb: KnowledgeBase) -> dict[str, Any]:
    numbers = list(iter_numbers(kb))
    cited = sum(1 for _, n in numbers if n.source != EXPERT_ESTIMATE)
    return {
        "version": kb.version,
        "findings": len(kb.findings),
        "conditions": len(kb.conditions),
        "spinal_conditions": sum(1 for c in kb.conditions if c.category == "spinal"),
        "roots": [r.id for r in kb.anatomy.roots],
        "nerves": [n.id for n in kb.anatomy.nerves],
        "regions": len(kb.anatomy.regions),
        "likelihoods": sum(len(c.likelihoods) for c in kb.conditions),
        "triage_rules": len(kb.triage.red_flags) + len(kb.triage.suspicion),
        "plan_steps": len(kb.plans),
        "sources": len(kb.sources),
        "numbers": len(numbers),
        "cited_numbers": cited,
        "cited_share": round(cited / len(numbers), 4) if numbers else 0.0,
    }


def codes(kb: KnowledgeBase) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for condition in kb.conditions:
        rows.extend({"system": "ICD-10-CM", "code": c, "used_by": condition.id} for c in condition.icd10)
        rows.extend({"system": "SNOMED CT", "code": c, "used_by": condition.id} for c in condition.snomed)
    for finding in kb.findings:
        rows.extend({"system": "SNOMED CT", "code": c, "used_by": finding.id} for c in finding.codes.snomed)
        rows.extend({"system": "LOINC", "code": c, "used_by": finding.id} for c in finding.codes.loinc)
    return rows


def params(kb: KnowledgeBase) -> list[dict[str, Any]]:
    return [
        {
            "path": path,
            "value": number.value,
            "source": number.source,
            "detail": number.detail or number.reason or "",
        }
        for path, number in iter_numbers(kb)
    ]


def show(kb: KnowledgeBase, identifier: str) -> dict[str, Any] | None:
    """Any entry by id: condition, finding, source, region, movement, reflex, root, nerve, plan."""
    pools: list[tuple[str, list[Any]]] = [
        ("condition", list(kb.conditions)),
        ("finding", list(kb.findings)),
        ("source", list(kb.sources)),
        ("region", list(kb.anatomy.regions)),
        ("movement", list(kb.anatomy.movements)),
        ("reflex", list(kb.anatomy.reflexes)),
        ("root", list(kb.anatomy.roots)),
        ("nerve", list(kb.anatomy.nerves)),
        ("site", list(kb.anatomy.sites)),
        ("plan", list(kb.plans)),
        ("triage rule", list(kb.triage.red_flags)),
    ]
    for kind, items in pools:
        for item in items:
            if item.id == identifier:
                return {"kind": kind, **item.model_dump(mode="json", exclude_none=True)}
    return None
