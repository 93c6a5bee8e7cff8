"""Plan: the knowledge base's guideline steps that apply to the likely conditions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nervemap.knowledge.loader import thresholds_of
from nervemap.knowledge.models import KnowledgeBase, PlanKind, PlanStep, Severity, TriageLevel

ORDER = (Severity.MILD, Severity.MODERATE, Severity.SEVERE)


def _applies(
    step: PlanStep, severity: Severity, duration: float | None, level: TriageLevel, imaging: str
) -> bool:
    if step.imaging_status and imaging not in step.imaging_status:
        return False
    if step.min_severity and ORDER.index(severity) < ORDER.index(step.min_severity):
        return False
    if step.max_severity and ORDER.index(severity) > ORDER.index(step.max_severity):
        return False
    if duration is not None:
        if step.min_duration_days is not None and duration < step.min_duration_days:
            return False
        if step.max_duration_days is not None and duration >= step.max_duration_days:
            return False
    return not (step.triage_levels and level not in step.triage_levels)


_CITATIONS: dict[int, tuple[KnowledgeBase, dict[str, str]]] = {}


def _citations(kb: KnowledgeBase) -> dict[str, str]:
    """Each plan step's readable citation, built once per knowledge base (it never changes)."""
    cached = _CITATIONS.get(id(kb))
    if cached is not None and cached[0] is kb:
        return cached[1]
    titles = {source.id: source for source in kb.sources}
    known: dict[str, str] = {}
    for step in kb.plans:
        cited = [titles[s] for s in step.sources if s in titles]
        text = "; ".join(f"{c.authors.split(',')[0]} {c.year}: {c.title}" for c in cited)
        known[step.id] = text or ", ".join(step.sources)
    _CITATIONS[id(kb)] = (kb, known)
    return known


def build_plan(
    kb: KnowledgeBase,
    ranked: Sequence[tuple[str, float]],
    severity: Severity,
    duration: float | None,
    level: TriageLevel,
    imaging: str = "no imaging",
) -> list[dict[str, Any]]:
    """Steps for the leading conditions, safety first, each with the guideline behind it."""
    # the leading condition and any other at or above thresholds.yaml's plan_probability
    threshold = thresholds_of(kb).plan_probability.value
    chosen = [cid for i, (cid, p) in enumerate(ranked) if i == 0 or p >= threshold]
    citations = _citations(kb)
    items: dict[str, dict[str, Any]] = {}
    order: dict[str, tuple[int, int]] = {}
    for rank, condition in enumerate([*chosen, "any"]):
        for step in kb.plans:
            if condition not in step.conditions or step.id in items:
                continue
            if not _applies(step, severity, duration, level, imaging):
                continue
            # a plain record: validated once with the whole Assessment
            items[step.id] = dict(
                step=step.step,
                when=step.when,
                source=citations[step.id],
                id=step.id,
                kind=step.kind.value,
                recommendation=step.recommendation,
                for_conditions=[c for c in step.conditions if c in chosen or c == "any"],
                sources=list(step.sources),
            )
            order[step.id] = (
                0 if step.kind == PlanKind.SAFETY else 1,
                rank,
            )
    return [items[k] for k in sorted(items, key=lambda k: order[k])]
