"""Triage: red-flag rules screened from the findings alone, then escalation from the differential.

The level is the highest of three channels (issue 13):

1. the red-flag rules that fire (``triage.yaml`` ``red_flags``);
2. the *screening* posterior, computed with every red-flag finding set to unknown, so the
   differential of the ordinary findings alone always counts;
3. the *full* posterior, which also weighs the red flags' diagnostic evidence (a cancer history,
   weight loss and anaemia together make metastasis likely). So that a red flag can still never
   lower the level (a tested safety property), this channel is the most urgent level over the
   posteriors computed with every subset of the present red flags (the full set included): a
   red flag may add urgency through the condition it points to, but it never argues a danger away.
"""

from __future__ import annotations

from collections.abc import Sequence

from nervemap.engine.assessment import RedFlag, Suspected, TriageResult
from nervemap.knowledge.models import TRIAGE_ORDER, Condition, Triage, TriageLevel, TriageRule

# A condition sets the level through its own urgency only when it is reasonably likely.
URGENCY_PROBABILITY = 0.25

# Patient wording: US school grade 8 or below (tests/web/test_plain_language.py).
PATIENT_ADVICE = {
    TriageLevel.EMERGENCY: "Get help now: go to an emergency department or call an ambulance.",
    TriageLevel.URGENT: "See a doctor today or within 24 hours.",
    TriageLevel.SOON: "Book an appointment with a doctor or physio within 1 to 2 weeks.",
    TriageLevel.ROUTINE: (
        "Book a routine visit with a doctor. Most leg pain of this kind gets better with time."
    ),
    TriageLevel.SELF_CARE: (
        "You can look after this yourself: keep active, and get help if it is not getting better."
    ),
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


def probability_levels(
    triage: Triage, conditions: Sequence[Condition], posterior: Sequence[float], label: str
) -> list[tuple[TriageLevel, str, str | None]]:
    """(level, reason, condition id) that one posterior calls for: suspicion rules and likely conditions."""
    out: list[tuple[TriageLevel, str, str | None]] = []
    by_id = {c.id: (i, c) for i, c in enumerate(conditions)}
    for rule in triage.suspicion:
        index, condition = by_id[rule.condition]
        if posterior[index] >= rule.min_probability.value:
            out.append(
                (
                    rule.level,
                    f"{rule.reason} ({condition.name} p={posterior[index]:.2f} "
                    f">= {rule.min_probability.value:g}, {label})",
                    condition.id,
                )
            )
    top = max(range(len(conditions)), key=lambda i: posterior[i])
    out.append(
        (
            conditions[top].urgency,
            f"most likely condition: {conditions[top].name} (p={posterior[top]:.2f}, {label})",
            None,
        )
    )
    for i, condition in enumerate(conditions):
        if i != top and posterior[i] >= URGENCY_PROBABILITY:
            out.append(
                (condition.urgency, f"{condition.name} is likely (p={posterior[i]:.2f}, {label})", None)
            )
    return out


# A rule that names several conditions (foot drop: a root or a peroneal nerve) suspects those the
# full differential holds at least this fraction of the most probable one's probability.
SUSPECT_FRACTION = 0.25


def _likely_suspects(named: Sequence[str], likely: dict[str, float]) -> list[str]:
    if len(named) < 2 or not likely:
        return list(named)
    best = max(likely.get(c, 0.0) for c in named)
    return [c for c in named if likely.get(c, 0.0) >= SUSPECT_FRACTION * best]


def decide(
    triage: Triage,
    conditions: Sequence[Condition],
    present: set[str],
    screening_posterior: Sequence[float],
    absent: frozenset[str] = frozenset(),
    full_posteriors: Sequence[tuple[str, Sequence[float]]] = (),
    fit_adequate: bool = True,
) -> TriageResult:
    """Combine fired red-flag rules with the screening and the full differential.

    ``full_posteriors`` are (label, posterior) pairs: the posterior with every finding and, for the
    safety property, those with subsets of the present red flags (see the module docstring).
    """
    flags = fired_rules(triage, present)
    level = TriageLevel.SELF_CARE
    basis: list[str] = []
    reason = ""
    advice_by_rule = {rule.id: rule.patient_advice for rule in triage.red_flags}
    suspects_by_rule = {rule.id: rule.suspects for rule in triage.red_flags}
    names = {c.id: c.name for c in conditions}
    advice = ""
    suspected: dict[str, Suspected] = {}

    def raise_to(candidate: TriageLevel, why: str, patient: str | None = None) -> None:
        nonlocal level, reason, advice
        basis.append(f"{candidate.value}: {why}")
        if not reason or rank(candidate) > rank(level):
            level, reason = candidate, why
            advice = patient or PATIENT_ADVICE[candidate]

    def suspect(condition: str, candidate: TriageLevel, rule: str) -> None:
        if rank(candidate) < rank(TriageLevel.URGENT) or condition not in names:
            return
        known = suspected.get(condition)
        if known is None or rank(candidate) > rank(known.level):
            suspected[condition] = Suspected(
                condition=condition, name=names[condition], level=candidate, rule=rule
            )

    # Red flags first: when a rule and a probability call for the same level, the rule is the
    # reason shown, because it is the guideline's own criterion.
    likely = (
        dict(zip([c.id for c in conditions], full_posteriors[0][1], strict=True)) if full_posteriors else {}
    )
    for flag in flags:
        raise_to(flag.level, f"red flag — {flag.name}: {flag.reason}", advice_by_rule.get(flag.id))
        for condition in _likely_suspects(suspects_by_rule.get(flag.id, []), likely):
            suspect(condition, flag.level, flag.id)
    for candidate, why, target in probability_levels(
        triage, conditions, screening_posterior, "red flags aside"
    ):
        raise_to(candidate, why)
        if target is not None:
            suspect(target, candidate, f"suspicion:{target}")
    if full_posteriors:
        # The posterior with every finding first; a subset's posterior is shown only when it
        # calls for more than everything above (it exists for the monotonicity guarantee).
        for i, (label, posterior) in enumerate(full_posteriors):
            for candidate, why, target in probability_levels(triage, conditions, posterior, label):
                if i == 0 or rank(candidate) > rank(level):
                    raise_to(candidate, why)
                if target is not None:
                    suspect(target, candidate, f"suspicion:{target}")
    screen = triage.self_care_screen
    if screen is not None and level == TriageLevel.SELF_CARE:
        unscreened = [f for f in screen.requires_absent if f not in absent]
        if unscreened:
            raise_to(screen.otherwise, f"{screen.reason} (not denied: {', '.join(unscreened)})")
    if not fit_adequate and level == TriageLevel.SELF_CARE:
        raise_to(
            TriageLevel.ROUTINE,
            "the findings fit no condition nervemap models well (see fit): a clinician should review",
        )
    ordered = sorted(suspected.values(), key=lambda s: -rank(s.level))
    return TriageResult(
        level=level,
        red_flags=flags,
        reason=reason,
        patient_advice=advice,
        basis=basis,
        suspected=ordered,
    )
