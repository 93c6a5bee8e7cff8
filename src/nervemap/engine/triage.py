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

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

from nervemap.engine.assessment import RedFlag, Suspected, TriageResult
from nervemap.engine.records import exact_maker
from nervemap.knowledge.models import (
    TRIAGE_ORDER,
    Condition,
    ScreeningRule,
    Triage,
    TriageLevel,
    TriageRule,
)

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


# each level's place in TRIAGE_ORDER (a StrEnum hashes as its value: a level's value finds it too)
_RANK: dict[str, int] = {level: i for i, level in enumerate(TRIAGE_ORDER)}


_URGENT = _RANK[TriageLevel.URGENT]
_VALUE: dict[str, str] = {level: level.value for level in TRIAGE_ORDER}  # level.value, by a dict


def rank(level: TriageLevel) -> int:
    return _RANK[level]


def rule_fires(rule: TriageRule, present: set[str], absent: Collection[str] = frozenset()) -> bool:
    """The rule's clauses hold over the present findings and no closer (``unless_absent``) shuts it.
    Without ``absent`` no rule is closed: the question "could this rule fire?" (the interview) is
    answered as if nothing were known absent."""
    if rule.all_of and not all(f in present for f in rule.all_of):
        return False
    if rule.any_of and not any(f in present for f in rule.any_of):
        return False
    if any(not any(f in present for f in group) for group in rule.and_any_of):
        return False
    if rule.at_least is not None and sum(f in present for f in rule.of) < rule.at_least:
        return False
    return not rule_closed(rule, present, absent)


def rule_closed(rule: TriageRule, present: Collection[str], absent: Collection[str]) -> bool:
    """The rule's closers hold: each ``unless_absent`` group has a finding known absent and none of
    their findings is present (a finding added present can only reopen the rule; unknown is not absent)."""
    if not rule.unless_absent or not absent:
        return False
    closers = [f for group in rule.unless_absent for f in group]
    if any(f in present for f in closers):
        return False
    return all(any(f in absent for f in group) for group in rule.unless_absent)


def rule_findings(rule: TriageRule) -> list[str]:
    """Every finding a rule reads, in order, without repeats."""
    grouped = [f for group in rule.and_any_of for f in group]
    return list(dict.fromkeys(rule.all_of + rule.any_of + rule.of + grouped))


def fired_rules(triage: Triage, present: set[str], absent: Collection[str] = frozenset()) -> list[RedFlag]:
    flags = []
    for rule in triage.red_flags:
        if rule_fires(rule, present, absent):
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


def gated_conditions(
    triage: Triage, present: Collection[str], absent: Collection[str] = frozenset()
) -> dict[str, TriageLevel]:
    """The conditions whose probability may set the level only up to their gate's ``otherwise`` level:
    none of their defining findings (triage.yaml ``defining_findings``) is present and the leg is known
    free of them (every ``known_absent`` finding absent). A finding added present can only open a gate."""
    return {
        gate.condition: gate.otherwise
        for gate in triage.defining_findings
        if not any(f in present for f in gate.any_of) and all(f in absent for f in gate.known_absent)
    }


def capped_call(
    level: TriageLevel, why: str, cap: TriageLevel | None, reason: str
) -> tuple[TriageLevel, str]:
    """A condition's call, capped at its gate's level when none of its defining findings is present."""
    if cap is None or _RANK[level] <= _RANK[cap]:
        return level, why
    return (
        cap,
        f"{why}; counted as {_VALUE[cap]} at most, none of its defining findings being present: {reason}",
    )


# the gates' reasons by condition, and each condition's (index, condition) by id
ProbabilityTables = tuple[dict[str, str], dict[str, tuple[int, Condition]]]


def probability_tables(triage: Triage, conditions: Sequence[Condition]) -> ProbabilityTables:
    """What :func:`probability_levels` looks up, for every posterior of one decision."""
    reasons = {gate.condition: gate.reason for gate in triage.defining_findings}
    return reasons, {c.id: (i, c) for i, c in enumerate(conditions)}


def probability_levels(
    triage: Triage,
    conditions: Sequence[Condition],
    posterior: Sequence[float],
    label: str,
    gated: Mapping[str, TriageLevel] | None = None,
    tables: ProbabilityTables | None = None,
) -> list[tuple[TriageLevel, str, str | None]]:
    """(level, reason, condition id) that one posterior calls for: suspicion rules and likely conditions.
    A ``gated`` condition (:func:`gated_conditions`) calls for its gate's level at most. ``tables``: the
    gates' reasons and the conditions by id (:func:`probability_tables`), built once for the posteriors of
    one decision (built here when not given)."""
    out: list[tuple[TriageLevel, str, str | None]] = []
    gated = gated or {}
    reasons, by_id = tables if tables is not None else probability_tables(triage, conditions)
    for rule in triage.suspicion:
        index, condition = by_id[rule.condition]
        if posterior[index] >= rule.min_probability.value:
            why = (
                f"{rule.reason} ({condition.name} p={posterior[index]:.2f} "
                f">= {rule.min_probability.value:g}, {label})"
            )
            level, why = capped_call(rule.level, why, gated.get(condition.id), reasons.get(condition.id, ""))
            out.append((level, why, condition.id))
    top = max(range(len(conditions)), key=lambda i: posterior[i])
    why = f"most likely condition: {conditions[top].name} (p={posterior[top]:.2f}, {label})"
    out.append(
        (
            *capped_call(
                conditions[top].urgency,
                why,
                gated.get(conditions[top].id),
                reasons.get(conditions[top].id, ""),
            ),
            None,
        )
    )
    # a condition sets the level through its own urgency only when it is reasonably likely
    likely = triage.likely_probability.value
    for i, condition in enumerate(conditions):
        if i != top and posterior[i] >= likely:
            why = f"{condition.name} is likely (p={posterior[i]:.2f}, {label})"
            out.append(
                (
                    *capped_call(
                        condition.urgency, why, gated.get(condition.id), reasons.get(condition.id, "")
                    ),
                    None,
                )
            )
    return out


def _likely_suspects(named: Sequence[str], likely: dict[str, float], fraction: float) -> list[str]:
    """A rule that names several conditions (foot drop: a root or a peroneal nerve) suspects those the
    full differential holds at least ``fraction`` (triage.yaml suspect_fraction) of the most probable
    one's probability."""
    if len(named) < 2 or not likely:
        return list(named)
    best = max(likely.get(c, 0.0) for c in named)
    return [c for c in named if likely.get(c, 0.0) >= fraction * best]


_suspected = exact_maker(Suspected)

# A level a channel calls for: (level, why, the condition it suspects or None).
LevelCall = tuple[TriageLevel, str, str | None]

NO_FIT_REASON = "the findings fit no condition nervemap models well (see fit): a clinician should review"


class TriageDecision:
    """The running decision: the most urgent level so far, why, and the conditions suspected.

    One procedure for :func:`decide` and the batch core (engine/core.py), which differ only in how
    they compute the fired rules and the probability levels.
    """

    def __init__(self, condition_names: Mapping[str, str]) -> None:
        self.level = TriageLevel.SELF_CARE
        self.basis: list[str] = []
        self.reason = ""
        self.advice = ""
        self._names = condition_names
        self._suspected: dict[str, Suspected] = {}

    def raise_to(self, candidate: TriageLevel, why: str, patient: str | None = None) -> None:
        self.basis.append(f"{_VALUE[candidate]}: {why}")
        if not self.reason or _RANK[candidate] > _RANK[self.level]:
            self.level, self.reason = candidate, why
            self.advice = patient or PATIENT_ADVICE[candidate]

    def suspect(self, condition: str, candidate: TriageLevel, rule: str) -> None:
        if _RANK[candidate] < _URGENT or condition not in self._names:
            return
        known = self._suspected.get(condition)
        if known is None or _RANK[candidate] > _RANK[known.level]:
            self._suspected[condition] = _suspected(  # all four fields, in declared order
                {"condition": condition, "name": self._names[condition], "level": candidate, "rule": rule}
            )

    def red_flag(self, flag: RedFlag, patient_advice: str | None, suspects: Iterable[str]) -> None:
        """A fired rule: first, so that when a rule and a probability call for the same level, the
        rule is the reason shown (it is the guideline's own criterion)."""
        self.raise_to(flag.level, f"red flag — {flag.name}: {flag.reason}", patient_advice)
        for condition in suspects:
            self.suspect(condition, flag.level, flag.id)

    def screening(self, calls: Iterable[LevelCall]) -> None:
        for candidate, why, target in calls:
            self.raise_to(candidate, why)
            if target is not None:
                self.suspect(target, candidate, f"suspicion:{target}")

    def full(self, calls_per_posterior: Iterable[Iterable[LevelCall]]) -> None:
        """The posterior with every finding first; a red-flag subset's posterior is shown only
        when it calls for more than everything above (it exists for the monotonicity guarantee)."""
        for i, calls in enumerate(calls_per_posterior):
            if i:
                self.full_more(calls)
                continue
            for candidate, why, target in calls:
                self.raise_to(candidate, why)
                if target is not None:
                    self.suspect(target, candidate, f"suspicion:{target}")

    def full_more(self, calls: Iterable[LevelCall]) -> None:
        """A red-flag subset's posterior after the full one (:meth:`full`): a call raises the level
        only when it is more urgent than the level reached."""
        for candidate, why, target in calls:
            if _RANK[candidate] > _RANK[self.level]:
                self.raise_to(candidate, why)
            if target is not None:
                self.suspect(target, candidate, f"suspicion:{target}")

    def floors(
        self, screen: ScreeningRule | None, unscreened: Callable[[], list[str]], fit_adequate: bool
    ) -> None:
        """Self-care only when the screen's questions were denied, and never for a picture that
        fits no modelled condition."""
        if screen is not None and self.level == TriageLevel.SELF_CARE:
            not_denied = unscreened()
            if not_denied:
                self.raise_to(screen.otherwise, f"{screen.reason} (not denied: {', '.join(not_denied)})")
        if not fit_adequate and self.level == TriageLevel.SELF_CARE:
            self.raise_to(TriageLevel.ROUTINE, NO_FIT_REASON)

    def suspected(self) -> list[Suspected]:
        return sorted(self._suspected.values(), key=lambda s: -rank(s.level))


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
    flags = fired_rules(triage, present, absent)
    advice_by_rule = {rule.id: rule.patient_advice for rule in triage.red_flags}
    suspects_by_rule = {rule.id: rule.suspects for rule in triage.red_flags}
    decision = TriageDecision({c.id: c.name for c in conditions})
    likely = (
        dict(zip([c.id for c in conditions], full_posteriors[0][1], strict=True)) if full_posteriors else {}
    )
    for flag in flags:
        decision.red_flag(
            flag,
            advice_by_rule.get(flag.id),
            _likely_suspects(suspects_by_rule.get(flag.id, []), likely, triage.suspect_fraction.value),
        )
    gated = gated_conditions(triage, present, absent)
    tables = probability_tables(triage, conditions)
    decision.screening(
        probability_levels(triage, conditions, screening_posterior, "red flags aside", gated, tables)
    )
    decision.full(
        probability_levels(triage, conditions, posterior, label, gated, tables)
        for label, posterior in full_posteriors
    )
    screen = triage.self_care_screen
    decision.floors(
        screen, lambda: [f for f in screen.requires_absent if f not in absent] if screen else [], fit_adequate
    )
    return TriageResult(
        level=decision.level,
        red_flags=flags,
        reason=decision.reason,
        patient_advice=decision.advice,
        basis=decision.basis,
        suspected=decision.suspected(),
    )
