"""Knowledge-base introspection: counts, every code, every number with its source."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from nervemap.knowledge.models import EXPERT_ESTIMATE, KnowledgeBase, Number, Setting
from nervemap.knowledge.validator import iter_numbers

if TYPE_CHECKING:
    from nervemap.engine.compiled import CompiledKnowledge


def forced_number_paths(kb: KnowledgeBase) -> set[str]:
    """Paths of numbers whose value the knowledge base's own rules fix, so no source can add to them.

    A condition with a single lesion site has that site's probability fixed at 1 by the rule that a
    condition's site probabilities sum to 1: it is arithmetic, not a clinical claim to cite.
    """
    return {
        f"conditions[{condition.id}].sites[{condition.sites[0].site}].p"
        for condition in kb.conditions
        if len(condition.sites) == 1
    }


def stats(kb: KnowledgeBase) -> dict[str, Any]:
    every_number = list(iter_numbers(kb))
    forced = forced_number_paths(kb)
    numbers = [(path, n) for path, n in every_number if path not in forced]
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
        "forced_numbers": len(every_number) - len(numbers),
        "cited_numbers": cited,
        "cited_share": round(cited / len(numbers), 4) if numbers else 0.0,
        "prior_sums": {
            setting.value: round(
                sum(c.prior[setting].value for c in kb.conditions if setting in c.prior)
                + (
                    kb.priors.not_modelled[setting].value
                    if kb.priors and setting in kb.priors.not_modelled
                    else 0.0
                ),
                4,
            )
            for setting in Setting
        },
        "not_modelled": (
            {setting.value: p.value for setting, p in kb.priors.not_modelled.items()} if kb.priors else {}
        ),
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


def applied_params(compiled: CompiledKnowledge) -> list[dict[str, Any]]:
    """Every cited likelihood and prior next to the value the compiled engine applies.

    Applied values are read back from the compiled arrays (not recomputed from the knowledge
    file): the applied LR+ and LR- are exp(weight); the sensitivity and comparator they imply are
    solved from the two ratios. A likelihood with an explicit ``min_ratio_absent`` reports
    ``floor: true`` on the numbers the floor changes.
    """
    rows: list[dict[str, Any]] = []

    def add(path: str, kind: str, number: Number, applied: float, floor: bool = False) -> None:
        cited = number.value
        rows.append(
            {
                "path": path,
                "number": kind,
                "cited": cited,
                "applied": applied,
                "difference": abs(applied - cited) / cited if cited else abs(applied),
                "source": number.source,
                "floor": floor,
            }
        )

    for (c, f), _number in sorted(compiled.likelihood_numbers.items()):
        condition = compiled.conditions[c]
        fid = compiled.finding_ids[f]
        likelihood = next(lk for lk in condition.likelihoods if lk.finding == fid)
        positive = math.exp(float(compiled.weight_present[c, f]))
        negative = math.exp(float(compiled.weight_absent[c, f]))
        if abs(positive - negative) > 1e-12:
            sensitivity = positive * (1.0 - negative) / (positive - negative)
            comparator = sensitivity / positive
        else:  # ratio 1 both ways: the figure equals its comparator
            sensitivity = comparator = float(compiled.p_reference[c, f])
        floored = compiled.applied[(c, f)].floored
        path = f"conditions[{condition.id}].likelihoods[{fid}]"
        if likelihood.p is not None:
            add(f"{path}.p", "P(f|c)", likelihood.p, sensitivity, floored)
        if likelihood.specificity is not None:
            add(f"{path}.specificity", "specificity", likelihood.specificity, 1.0 - comparator, floored)
        if likelihood.lr_positive is not None:
            add(f"{path}.lr_positive", "LR+", likelihood.lr_positive, positive)
        if likelihood.lr_negative is not None:
            add(f"{path}.lr_negative", "LR-", likelihood.lr_negative, negative, floored)
    for setting, log_prior in compiled.log_prior.items():
        for c, condition in enumerate(compiled.conditions):
            prior = next(v for k, v in condition.prior.items() if k.value == setting)
            add(f"conditions[{condition.id}].prior.{setting}", "prior", prior, math.exp(float(log_prior[c])))
    priors = compiled.knowledge.priors
    if priors is not None:
        for setting_key, mass in priors.not_modelled.items():
            applied = compiled.not_modelled.get(setting_key.value, float("nan"))
            add(f"priors.not_modelled.{setting_key.value}", "not modelled (reported)", mass, applied)
    return rows


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
