"""Plan: the knowledge base's guideline steps that apply to the likely conditions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from nervemap.engine.assessment import PlanItem
from nervemap.engine.compiled import CompiledKnowledge, held
from nervemap.engine.records import exact_maker
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


def _citations(kb: KnowledgeBase) -> dict[str, str]:
    """Each plan step's readable citation."""
    titles = {source.id: source for source in kb.sources}
    known: dict[str, str] = {}
    for step in kb.plans:
        cited = [titles[s] for s in step.sources if s in titles]
        text = "; ".join(f"{c.authors.split(',')[0]} {c.year}: {c.title}" for c in cited)
        known[step.id] = text or ", ".join(step.sources)
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


class _Index:
    """The plan steps of each condition ('any' included), in the knowledge base's order."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.threshold = thresholds_of(kb).plan_probability.value
        citations = _citations(kb)
        self.by_condition: dict[str, list[PlanStep]] = {}
        for step in kb.plans:
            for condition in dict.fromkeys(step.conditions):
                self.by_condition.setdefault(condition, []).append(step)
        self.static = {
            step.id: {
                "step": step.step,
                "when": step.when,
                "source": citations[step.id],
                "id": step.id,
                "kind": step.kind.value,
                "recommendation": step.recommendation,
            }
            for step in kb.plans
        }
        self.safety = {step.id: step.kind == PlanKind.SAFETY for step in kb.plans}
        self.steps = {step.id: step for step in kb.plans}
        self.conditions = {step.id: list(step.conditions) for step in kb.plans}
        self.sources = {step.id: list(step.sources) for step in kb.plans}
        # the records of a plan (its step ids and chosen conditions), shared by every assessment
        # that shows it (PlanItem is frozen)
        self.items: dict[tuple[tuple[str, ...], tuple[str, ...]], list[PlanItem]] = {}


def _index(compiled: CompiledKnowledge) -> _Index:
    """Built once per compiled knowledge base and kept on it."""
    return held(compiled, "plan_index", lambda c: _Index(c.knowledge))


def plan_steps(
    compiled: CompiledKnowledge,
    order: npt.NDArray[np.intp],
    probabilities: npt.NDArray[np.float64],
    condition_ids: Sequence[str],
    severity: Severity,
    duration: float | None,
    level: TriageLevel,
    imaging: str = "no imaging",
) -> tuple[list[str], list[str]]:
    """:func:`build_plan`'s step ids (in its order) and the conditions chosen, reading only the
    steps of the chosen conditions. ``order`` ranks the conditions, ``probabilities`` are theirs."""
    index = _index(compiled)
    above = probabilities[order] >= index.threshold
    above[0] = True
    chosen = [condition_ids[c] for c in order[above].tolist()]
    keys: dict[str, tuple[int, int]] = {}
    for rank, condition in enumerate([*chosen, "any"]):
        for step in index.by_condition.get(condition, ()):
            if step.id not in keys and _applies(step, severity, duration, level, imaging):
                keys[step.id] = (0 if index.safety[step.id] else 1, rank)
    return sorted(keys, key=lambda k: keys[k]), chosen


_plan_item = exact_maker(PlanItem)
# Plans whose records are kept (a knowledge base's leading conditions make far fewer in practice).
PLAN_ITEMS_MEMO = 4096


def plan_items(compiled: CompiledKnowledge, step_ids: Sequence[str], chosen: Sequence[str]) -> list[PlanItem]:
    """The output records of plan steps chosen by :func:`plan_steps` (a new list of records made
    once per plan and shared: PlanItem is frozen)."""
    index = _index(compiled)
    key = (tuple(step_ids), tuple(chosen))
    known = index.items.get(key)
    if known is None:
        known = _plan_records(index, step_ids, chosen)
        if len(index.items) < PLAN_ITEMS_MEMO:
            index.items[key] = known
    return list(known)


def _plan_records(index: _Index, step_ids: Sequence[str], chosen: Sequence[str]) -> list[PlanItem]:
    wanted = set(chosen)
    wanted.add("any")
    static, conditions, sources = index.static, index.conditions, index.sources
    # all eight PlanItem fields, in declared order (the six static ones first)
    return [
        _plan_item(
            {
                **static[step_id],
                "for_conditions": [c for c in conditions[step_id] if c in wanted],
                "sources": list(sources[step_id]),
            }
        )
        for step_id in step_ids
    ]
