"""Reading a course of check-ins: measures, changes against the previous check-in, escalations.

The clinical numbers (minimal important changes, schedule intervals, escalation rules, the distal
order of the body map) are knowledge, not code: they live in ``knowledge/data/followup.yaml``.

Safety rules kept here, in code:
- the episode's triage is never below the latest check-in's own triage, nor below any escalation
  that fired at it;
- an urgent or emergency level (``schedule.held_levels``) stays open, through later check-ins that
  look better, until a clinician has reviewed a check-in (``reviewed_by_clinician``);
- rules read left and right alike: a deficit is compared per movement *and side*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.followup.models import (
    CheckinDue,
    CheckinInput,
    CheckinMeasures,
    CourseSummary,
    Escalation,
    MeasureChange,
    Overall,
    Trend,
)
from nervemap.knowledge.loader import default_knowledge, followup_of
from nervemap.knowledge.models import (
    EXPERT_ESTIMATE,
    TRIAGE_ORDER,
    Followup,
    FollowupMeasure,
    FollowupRule,
    FollowupRuleKind,
    KnowledgeBase,
    Number,
    TriageLevel,
)

UNSIDED = "unsided"
WEEK = timedelta(weeks=1)
DAYS_PER_WEEK = 7.0
# Float noise guard when a change equals its threshold exactly (7.0 - 5.0 >= 2.0).
_EPSILON = 1e-9


def _kb(knowledge: KnowledgeBase | None) -> KnowledgeBase:
    return knowledge if knowledge is not None else default_knowledge().knowledge


def _rank(level: TriageLevel) -> int:
    return TRIAGE_ORDER.index(level)


def _higher(a: TriageLevel, b: TriageLevel) -> TriageLevel:
    return a if _rank(a) >= _rank(b) else b


def _source_of(number: Number) -> str:
    return EXPERT_ESTIMATE if number.source == EXPERT_ESTIMATE else number.source


def _measure(followup: Followup, measure_id: str) -> FollowupMeasure:
    for measure in followup.measures:
        if measure.id == measure_id:
            return measure
    raise KeyError(f"followup.yaml has no measure '{measure_id}'")


def _score(case: Case, measure: FollowupMeasure) -> float | None:
    for name in measure.fields:
        value = getattr(case.scores, name)
        if value is not None:
            return float(value)
    return None


def _distal_ranks(followup: Followup) -> dict[str, int]:
    return {group.value: rank for rank, groups in enumerate(followup.distal_order) for group in groups}


def _present(checkin: CheckinInput) -> set[str]:
    return {f.id for f in checkin.assessment.findings_used if f.status == "present"}


def measures_of(
    checkin: CheckinInput, start: datetime, knowledge: KnowledgeBase | None = None
) -> CheckinMeasures:
    """The course measures of one check-in; ``start`` is the episode's first check-in time."""
    kb = _kb(knowledge)
    followup = followup_of(kb)
    case = checkin.case
    function: float | None = None
    function_measure: str | None = None
    for measure_id in followup.function_measures:
        value = _score(case, _measure(followup, measure_id))
        if value is not None:
            function, function_measure = value, measure_id
            break
    map_regions: int | None = None
    distal: str | None = None
    distal_rank: int | None = None
    # A map read from a note lists only the regions mentioned: its extent is unknown.
    if case.pain_map is not None and case.pain_map_complete:
        groups = {r.id: r.group.value for r in kb.anatomy.regions}
        ranks = _distal_ranks(followup)
        marked = sorted({(m.region, m.side or "") for m in case.pain_map})
        map_regions = len(marked)
        for region, _side in marked:
            rank = ranks.get(groups.get(region, ""))
            if rank is not None and (distal_rank is None or rank > distal_rank):
                distal, distal_rank = region, rank
    worst: dict[str, int] = {}
    for test in case.strength:
        key = f"{test.movement}:{test.side or UNSIDED}"
        worst[key] = min(worst.get(key, test.grade), test.grade)
    flagged = {f.id for f in kb.findings if f.red_flag}
    return CheckinMeasures(
        at=checkin.at,
        weeks_since_start=(checkin.at - start) / WEEK,
        leg_pain=_score(case, _measure(followup, "leg_pain")),
        back_pain=_score(case, _measure(followup, "back_pain")),
        function=function,
        function_measure=function_measure,
        map_regions=map_regions,
        most_distal_region=distal,
        distal_rank=distal_rank,
        worst_mrc=worst,
        red_flags=sorted(_present(checkin) & flagged),
        triage_level=checkin.assessment.triage.level,
        symptom_weeks=None if case.duration_days is None else case.duration_days / DAYS_PER_WEEK,
    )


def _improvement(previous: float, current: float, higher_is_better: bool) -> float:
    return current - previous if higher_is_better else previous - current


def _trend_by_threshold(previous: float, current: float, measure: FollowupMeasure) -> Trend:
    gain = _improvement(previous, current, measure.higher_is_better)
    points = measure.minimal_important_change.value
    percent = measure.minimal_important_percent
    if gain + _EPSILON >= points:
        return "improved"
    if percent is not None and gain > 0 and previous > 0:
        relative = 100.0 * gain / previous
        if relative + _EPSILON >= percent.value:
            return "improved"
    if -gain + _EPSILON >= points:
        return "worse"
    return "unchanged"


def _change_with_threshold(
    name: str, previous: float | None, current: float | None, measure: FollowupMeasure
) -> MeasureChange:
    threshold = measure.minimal_important_change
    change = None if previous is None or current is None else current - previous
    trend: Trend = "not comparable"
    if previous is not None and current is not None:
        trend = _trend_by_threshold(previous, current, measure)
    return MeasureChange(
        measure=name,
        previous=previous,
        current=current,
        change=change,
        trend=trend,
        threshold=threshold.value,
        source_id=_source_of(threshold),
    )


def _change_any(
    name: str, previous: float | None, current: float | None, higher_is_worse: bool
) -> MeasureChange:
    """A measure without a published minimal important change: any change counts."""
    if previous is None or current is None:
        return MeasureChange(
            measure=name, previous=previous, current=current, change=None, trend="not comparable"
        )
    change = current - previous
    trend: Trend = "unchanged"
    if change != 0:
        trend = "worse" if (change > 0) == higher_is_worse else "improved"
    return MeasureChange(measure=name, previous=previous, current=current, change=change, trend=trend)


def _number(value: int | None) -> float | None:
    return None if value is None else float(value)


def compare_measures(
    previous: CheckinMeasures, current: CheckinMeasures, knowledge: KnowledgeBase | None = None
) -> list[MeasureChange]:
    """Each measure of ``current`` against ``previous`` (minimal important changes from the KB)."""
    followup = followup_of(_kb(knowledge))
    changes = [
        _change_with_threshold(
            "leg_pain", previous.leg_pain, current.leg_pain, _measure(followup, "leg_pain")
        ),
        _change_with_threshold(
            "back_pain", previous.back_pain, current.back_pain, _measure(followup, "back_pain")
        ),
    ]
    if previous.function_measure is not None and previous.function_measure == current.function_measure:
        measure = _measure(followup, current.function_measure)
        changes.append(_change_with_threshold("function", previous.function, current.function, measure))
    else:  # different instruments (or none) cannot be compared
        changes.append(_change_any("function", previous.function, None, higher_is_worse=False))
    changes.append(
        _change_any("map_regions", _number(previous.map_regions), _number(current.map_regions), True)
    )
    changes.append(
        _change_any("distal_rank", _number(previous.distal_rank), _number(current.distal_rank), True)
    )
    for key in sorted(set(previous.worst_mrc) | set(current.worst_mrc)):
        changes.append(
            _change_any(
                f"mrc:{key}",
                _number(previous.worst_mrc.get(key)),
                _number(current.worst_mrc.get(key)),
                higher_is_worse=False,
            )
        )
    return changes


@dataclass(frozen=True)
class _Step:
    """One check-in with what it is compared against."""

    checkin: CheckinInput
    measures: CheckinMeasures
    previous: CheckinMeasures | None
    previous_present: set[str]
    first: CheckinInput
    first_measures: CheckinMeasures
    # The last grade examined per movement:side and the last complete pain map before this
    # check-in: a patient check-in without an examination does not reset them.
    known_mrc: dict[str, int]
    last_map: CheckinMeasures | None


def _label(kb: KnowledgeBase, key: str) -> str:
    movement, _, side = key.partition(":")
    names = {m.id: m.name for m in kb.anatomy.movements}
    name = names.get(movement, movement.replace("_", " "))
    return name if side == UNSIDED else f"{name}, {side}"


def _motor(rule: FollowupRule, step: _Step, kb: KnowledgeBase) -> str | None:
    assert rule.new_grade_max is not None and rule.grade_drop_min is not None
    if step.previous is None:
        return None
    fired: list[str] = []
    for key, grade in sorted(step.measures.worst_mrc.items()):
        before = step.known_mrc.get(key)
        if before is None and grade <= rule.new_grade_max.value:
            fired.append(f"{_label(kb, key)} MRC {grade}, not weak before")
        elif before is not None and before - grade >= rule.grade_drop_min.value:
            fired.append(f"{_label(kb, key)} MRC {before} to {grade}")
    return "; ".join(fired) or None


def _new_findings(rule: FollowupRule, step: _Step, kb: KnowledgeBase) -> str | None:
    if step.previous is None:
        return None
    new = (_present(step.checkin) - step.previous_present) & set(rule.findings)
    if not new:
        return None
    labels = {f.id: f.clinician for f in kb.findings}
    return ", ".join(labels.get(f, f) for f in sorted(new))


def _not_improving(rule: FollowupRule, step: _Step, followup: Followup) -> str | None:
    assert rule.from_weeks is not None
    weeks = step.measures.symptom_weeks
    if weeks is None or weeks < step.measures.weeks_since_start:
        weeks = step.measures.weeks_since_start
    if step.previous is None or weeks + _EPSILON < rule.from_weeks.value:
        return None
    compared = 0
    for measure_id in rule.measures:
        measure = _measure(followup, measure_id)
        before, now = _score(step.first.case, measure), _score(step.checkin.case, measure)
        if before is None or now is None:
            continue
        compared += 1
        if _trend_by_threshold(before, now, measure) == "improved":
            return None
    if compared == 0:
        return None
    return f"{weeks:.0f} weeks of symptoms"


def _spreading(step: _Step) -> str | None:
    if step.last_map is None:
        return None
    before, now = step.last_map, step.measures
    parts: list[str] = []
    if (
        before.distal_rank is not None
        and now.distal_rank is not None
        and now.distal_rank > before.distal_rank
    ):
        parts.append(f"now reaching the {now.most_distal_region}, before the {before.most_distal_region}")
    if (
        before.map_regions is not None
        and now.map_regions is not None
        and now.map_regions > before.map_regions
    ):
        parts.append(f"{now.map_regions} regions marked, before {before.map_regions}")
    return "; ".join(parts) or None


def _escalations(step: _Step, kb: KnowledgeBase, followup: Followup) -> list[Escalation]:
    steps = {s.id: s for s in followup.steps}
    fired: list[Escalation] = []
    for rule in followup.rules:
        detail: str | None
        if rule.kind is FollowupRuleKind.MOTOR_DEFICIT:
            detail = _motor(rule, step, kb)
        elif rule.kind is FollowupRuleKind.NEW_FINDINGS:
            detail = _new_findings(rule, step, kb)
        elif rule.kind is FollowupRuleKind.NOT_IMPROVING:
            detail = _not_improving(rule, step, followup)
        else:
            detail = _spreading(step)
        if detail is None:
            continue
        plan = steps.get(rule.plan_step) if rule.plan_step else None
        fired.append(
            Escalation(
                rule_id=rule.id,
                triage_level=rule.level,
                clinician_text=rule.clinician.replace("{detail}", detail),
                patient_text=rule.patient,
                source_ids=list(rule.sources),
                plan_step_id=rule.plan_step,
                plan_step=plan.step if plan else None,
                at=step.checkin.at,
            )
        )
    return fired


def _overall(
    changes: Sequence[MeasureChange], escalations: Sequence[Escalation], followup: Followup
) -> Overall:
    """Worse on any measure, or a rule that reads a deterioration, outweighs any improvement.

    'Not improving' is no deterioration: it leaves the course to the measures' trends.
    """
    stalled = {r.id for r in followup.rules if r.kind is FollowupRuleKind.NOT_IMPROVING}
    trends = {c.trend for c in changes}
    if any(e.rule_id not in stalled for e in escalations) or "worse" in trends:
        return "worsening"
    if "improved" in trends:
        return "improving"
    return "unchanged"


def _planned(followup: Followup, start: datetime, deficit: bool) -> list[CheckinDue]:
    schedule = followup.schedule
    intervals = list(schedule.conservative) + (list(schedule.motor_deficit) if deficit else [])
    due: dict[float, CheckinDue] = {}
    for interval in sorted(intervals, key=lambda i: i.weeks.value):
        weeks = interval.weeks.value
        due.setdefault(
            weeks,
            CheckinDue(
                weeks=weeks,
                due_at=start + weeks * WEEK,
                reason=interval.reason,
                source_id=_source_of(interval.weeks),
            ),
        )
    return list(due.values())


def schedule_from(
    assessment: Assessment, start: datetime, knowledge: KnowledgeBase | None = None
) -> list[CheckinDue]:
    """The planned check-ins after an assessment (none with an urgent or emergency triage)."""
    followup = followup_of(_kb(knowledge))
    if assessment.triage.level in followup.schedule.held_levels:
        return []
    worst = assessment.severity.worst_mrc
    deficit = worst is not None and worst < followup.schedule.deficit_below_grade.value
    return _planned(followup, start, deficit)


def summarise_course(
    checkins: Sequence[CheckinInput], knowledge: KnowledgeBase | None = None
) -> CourseSummary:
    """The course of an episode; the first check-in (by time) is the episode's starting assessment."""
    if not checkins:
        raise ValueError("a course needs at least one check-in")
    kb = _kb(knowledge)
    followup = followup_of(kb)
    held_levels = set(followup.schedule.held_levels)
    ordered = sorted(checkins, key=lambda c: c.at)
    first = ordered[0]
    start = first.at
    measures = [measures_of(c, start, kb) for c in ordered]
    first_weeks = measures[0].symptom_weeks
    if first_weeks is not None:  # symptoms at a check-in without its own duration: start + elapsed
        measures = [
            m
            if m.symptom_weeks is not None
            else m.model_copy(update={"symptom_weeks": first_weeks + m.weeks_since_start})
            for m in measures
        ]

    held: TriageLevel | None = None
    open_escalations: dict[str, Escalation] = {}
    latest_escalations: list[Escalation] = []
    known_mrc: dict[str, int] = {}
    last_map: CheckinMeasures | None = None
    for index, checkin in enumerate(ordered):
        if checkin.reviewed_by_clinician:  # a clinician has seen the course: earlier holds close
            held = None
            open_escalations = {}
        step = _Step(
            checkin=checkin,
            measures=measures[index],
            previous=measures[index - 1] if index else None,
            previous_present=_present(ordered[index - 1]) if index else set(),
            first=first,
            first_measures=measures[0],
            known_mrc=dict(known_mrc),
            last_map=last_map,
        )
        latest_escalations = _escalations(step, kb, followup)
        known_mrc.update(measures[index].worst_mrc)
        if measures[index].map_regions is not None:
            last_map = measures[index]
        own = checkin.assessment.triage.level
        if own in held_levels:
            held = own if held is None else _higher(held, own)
        for item in latest_escalations:
            if item.triage_level in held_levels:
                held = item.triage_level if held is None else _higher(held, item.triage_level)
                open_escalations[item.rule_id] = item

    latest = ordered[-1]
    level = latest.assessment.triage.level
    for item in latest_escalations:
        level = _higher(level, item.triage_level)
    if held is not None:
        level = _higher(level, held)
    shown = {e.rule_id: e for e in latest_escalations}
    for rule_id, item in open_escalations.items():  # earlier, still open: the queue shows why
        shown.setdefault(rule_id, item)

    changes: list[MeasureChange] = []
    overall: Overall = "first check-in"
    if len(measures) > 1:
        changes = compare_measures(measures[-2], measures[-1], kb)
        overall = _overall(changes, latest_escalations, followup)
    review = not latest.reviewed_by_clinician and (bool(shown) or level in held_levels)
    # Once no urgent or emergency level is open (never was, or a clinician has reviewed it), the
    # routine schedule runs from the episode's start, sooner when weakness was ever examined.
    limit = followup.schedule.deficit_below_grade.value
    deficit = any(grade < limit for m in measures for grade in m.worst_mrc.values()) or (
        first.assessment.severity.worst_mrc is not None and first.assessment.severity.worst_mrc < limit
    )
    schedule = [] if level in held_levels else _planned(followup, start, deficit)
    return CourseSummary(
        measures=measures,
        changes=changes,
        overall=overall,
        escalations=list(shown.values()),
        triage_level=level,
        needs_clinician_review=review,
        schedule=schedule,
    )
