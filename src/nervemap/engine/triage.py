"""Triage: red-flag rules screened from the findings alone, then escalation from the differential.

The probabilistic channel is computed with the red-flag findings set to unknown, so that adding a
red flag can only add rules that fire — it can never lower the level (a tested safety property).
"""

from __future__ import annotations

from collections.abc import Sequence

from nervemap.engine.assessment import RedFlag, TriageResult
from nervemap.knowledge.models import TRIAGE_ORDER, Condition, Triage, TriageLevel, TriageRule

# A condition sets the level through its own urgency only when it is reasonably likely.
URGENCY_PROBABILITY = 0.25

PATIENT_ADVICE = {
    TriageLevel.EMERGENCY: "Go to an emergency department now, or call an ambulance.",
    TriageLevel.URGENT: "See a doctor today or within 24 hours.",
    TriageLevel.SOON: "Book an appointment with a doctor or physiotherapist within 1-2 weeks.",
    TriageLevel.ROUTINE: "Arrange a routine appointment; most leg pain of this kind improves with time.",
    TriageLevel.SELF_CARE: "Self-care is reasonable: keep active and seek help if it is not improving.",
}


def rank(level: TriageLevel) -> int:
    return TRIAGE_ORDER.index(level)


def rule_fires(rule: TriageRule, present: set[str]) -> bool:
    if rule.all_of and not all(f in present for f in rule.all_of):
        return False
    if rule.any_of and not any(f in present for f in rule.any_of):
        return False
    if any(not any(f in present for f in group) for group in rule.and_any_of):
        return False
    if rule.at_least is not None:
        return sum(f in present for f in rule.of) >= rule.at_least
    return True


def rule_findings(rule: TriageRule) -> list[str]:
    """Every finding a rule reads, in order, without repeats."""
    grouped = [f for group in rule.and_any_of for f in group]
    return list(dict.fromkeys(rule.all_of + rule.any_of + rule.of + grouped))


def fired_rules(triage: Triage, present: set[str]) -> list[RedFlag]:
    flags = []
    for rule in triage.red_flags:
        if rule_fires(rule, present):
            involved = [f for f in rule_findings(rule) if f in present]
            flags.append(
                RedFlag(
                    id=rule.id,
                    name=rule.name,
                    level=rule.level,
                    findings=involved,
                    reason=rule.reason,
                    sources=list(rule.sources),
                )
            )
    return sorted(flags, key=lambda flag: -rank(flag.level))


def decide(
    triage: Triage,
    conditions: Sequence[Condition],
    present: set[str],
    screening_posterior: Sequence[float],
    absent: frozenset[str] = frozenset(),
) -> TriageResult:
    """Combine fired red-flag rules with the differential computed without red flags."""
    flags = fired_rules(triage, present)
    level = TriageLevel.SELF_CARE
    basis: list[str] = []
    reason = ""
    advice_by_rule = {rule.id: rule.patient_advice for rule in triage.red_flags}
    advice = ""

    def raise_to(candidate: TriageLevel, why: str, patient: str | None = None) -> None:
        nonlocal level, reason, advice
        basis.append(f"{candidate.value}: {why}")
        if not reason or rank(candidate) > rank(level):
            level, reason = candidate, why
            advice = patient or PATIENT_ADVICE[candidate]

    # Red flags first: when a rule and a probability call for the same level, the rule is the
    # reason shown, because it is the guideline's own criterion.
    for flag in flags:
        raise_to(flag.level, f"red flag — {flag.name}: {flag.reason}", advice_by_rule.get(flag.id))
    by_id = {c.id: (i, c) for i, c in enumerate(conditions)}
    for rule in triage.suspicion:
        index, condition = by_id[rule.condition]
        if screening_posterior[index] >= rule.min_probability.value:
            raise_to(
                rule.level,
                f"{rule.reason} ({condition.name} p={screening_posterior[index]:.2f} "
                f">= {rule.min_probability.value:g})",
            )
    top = max(range(len(conditions)), key=lambda i: screening_posterior[i])
    raise_to(
        conditions[top].urgency,
        f"most likely condition: {conditions[top].name} (p={screening_posterior[top]:.2f}, red flags aside)",
    )
    for i, condition in enumerate(conditions):
        if i != top and screening_posterior[i] >= URGENCY_PROBABILITY:
            raise_to(condition.urgency, f"{condition.name} is likely (p={screening_posterior[i]:.2f})")
    screen = triage.self_care_screen
    if screen is not None and level == TriageLevel.SELF_CARE:
        unscreened = [f for f in screen.requires_absent if f not in absent]
        if unscreened:
            raise_to(screen.otherwise, f"{screen.reason} (not denied: {', '.join(unscreened)})")
    return TriageResult(level=level, red_flags=flags, reason=reason, patient_advice=advice, basis=basis)
