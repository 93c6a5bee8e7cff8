"""Reading a course of check-ins: measures, changes against the previous check-in, escalations.

The clinical numbers (minimal important changes, schedule intervals, escalation rules, the distal
order of the body map) are knowledge, not code: they live in ``knowledge/data/followup.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from nervemap.engine.assessment import Assessment
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
from nervemap.knowledge.loader import default_knowledge
from nervemap.knowledge.models import TRIAGE_ORDER, KnowledgeBase, TriageLevel

UNSIDED = "unsided"
WEEK = timedelta(weeks=1)
# Distal order of the body-map region groups (0 = back); the perineum is not on the leg.
_DISTAL_RANK = {"back": 0, "buttock": 1, "hip": 1, "thigh": 2, "knee": 3, "leg": 4, "ankle": 5, "foot": 6}
_HELD_LEVELS = (TriageLevel.URGENT, TriageLevel.EMERGENCY)


def _kb(knowledge: KnowledgeBase | None) -> KnowledgeBase:
    return knowledge if knowledge is not None else default_knowledge().knowledge


def _rank(level: TriageLevel) -> int:
    return TRIAGE_ORDER.index(level)


def measures_of(
    checkin: CheckinInput, start: datetime, knowledge: KnowledgeBase | None = None
) -> CheckinMeasures:
    """The course measures of one check-in; ``start`` is the episode's first check-in time."""
    kb = _kb(knowledge)
    case = checkin.case
    groups = {r.id: r.group.value for r in kb.anatomy.regions}
    map_regions: int | None = None
    distal: str | None = None
    distal_rank: int | None = None
    if case.pain_map is not None:
        marked = {(m.region, m.side) for m in case.pain_map}
        map_regions = len(marked)
        for region, _side in sorted(marked, key=lambda m: (m[0], m[1] or "")):
            rank = _DISTAL_RANK.get(groups.get(region, ""))
            if rank is not None and (distal_rank is None or rank > distal_rank):
                distal, distal_rank = region, rank
    worst: dict[str, int] = {}
    for test in case.strength:
        key = f"{test.movement}:{test.side or UNSIDED}"
        worst[key] = min(worst.get(key, 5), test.grade)
    flagged = {f.id for f in kb.findings if f.red_flag}
    red_flags = sorted(
        {f.id for f in checkin.assessment.findings_used if f.status == "present" and f.id in flagged}
    )
    return CheckinMeasures(
        at=checkin.at,
        weeks_since_start=(checkin.at - start) / WEEK,
        leg_pain=case.scores.pain_nrs,
        back_pain=None,
        function=None,
        function_measure=None,
        map_regions=map_regions,
        most_distal_region=distal,
        distal_rank=distal_rank,
        worst_mrc=worst,
        red_flags=red_flags,
        triage_level=checkin.assessment.triage.level,
    )


def _compare(
    measure: str,
    previous: float | None,
    current: float | None,
    threshold: float | None,
    source_id: str | None,
    higher_is_worse: bool = True,
) -> MeasureChange:
    if previous is None or current is None:
        return MeasureChange(
            measure=measure,
            previous=previous,
            current=current,
            change=None,
            trend="not comparable",
            threshold=threshold,
            source_id=source_id,
        )
    change = current - previous
    limit = threshold if threshold is not None else 0.0
    trend: Trend = "unchanged"
    if abs(change) >= limit and change != 0:
        worse = change > 0 if higher_is_worse else change < 0
        trend = "worse" if worse else "improved"
    return MeasureChange(
        measure=measure,
        previous=previous,
        current=current,
        change=change,
        trend=trend,
        threshold=threshold,
        source_id=source_id,
    )


def compare_measures(previous: CheckinMeasures, current: CheckinMeasures) -> list[MeasureChange]:
    """Each measure of ``current`` against ``previous``."""
    changes = [
        _compare("leg_pain", previous.leg_pain, current.leg_pain, 2.0, "expert-estimate"),
        _compare("back_pain", previous.back_pain, current.back_pain, 2.0, "expert-estimate"),
        _compare("map_regions", _f(previous.map_regions), _f(current.map_regions), None, None),
        _compare("distal_rank", _f(previous.distal_rank), _f(current.distal_rank), None, None),
    ]
    for key in sorted(set(previous.worst_mrc) | set(current.worst_mrc)):
        changes.append(
            _compare(
                f"mrc:{key}",
                _f(previous.worst_mrc.get(key)),
                _f(current.worst_mrc.get(key)),
                None,
                None,
                higher_is_worse=False,
            )
        )
    return changes


def _f(value: int | None) -> float | None:
    return None if value is None else float(value)


def _overall(changes: Sequence[MeasureChange]) -> Overall:
    trends = {c.trend for c in changes}
    if "worse" in trends:
        return "worsening"
    if "improved" in trends:
        return "improving"
    return "unchanged"


def _escalations(previous: CheckinMeasures, current: CheckinMeasures) -> list[Escalation]:
    fired: list[Escalation] = []
    for key, grade in sorted(current.worst_mrc.items()):
        before = previous.worst_mrc.get(key)
        if (before is None and grade <= 3) or (before is not None and grade <= before - 1):
            fired.append(
                Escalation(
                    rule_id="followup-motor-deficit-new-or-progressing",
                    triage_level=TriageLevel.URGENT,
                    clinician_text=f"New or progressing weakness: {key} MRC {before} -> {grade}",
                    patient_text="Your leg has become weaker. You need to be seen urgently.",
                    source_ids=["nice-ng59-2016"],
                )
            )
            break
    new_flags = set(current.red_flags) - set(previous.red_flags)
    if new_flags:
        fired.append(
            Escalation(
                rule_id="followup-new-red-flag",
                triage_level=TriageLevel.EMERGENCY,
                clinician_text=f"New red-flag findings: {', '.join(sorted(new_flags))}",
                patient_text="A new warning sign has appeared. Seek help now.",
                source_ids=["nice-ng59-2016"],
            )
        )
    return fired


def schedule_from(
    assessment: Assessment, start: datetime, knowledge: KnowledgeBase | None = None
) -> list[CheckinDue]:
    """The planned check-ins after an assessment (none with an emergency or urgent triage)."""
    if assessment.triage.level in _HELD_LEVELS:
        return []
    weeks: list[float] = [2.0, 6.0, 12.0]
    worst = assessment.severity.worst_mrc
    if worst is not None and worst <= 3:
        weeks = [1.0, *weeks]
    return [
        CheckinDue(
            weeks=w,
            due_at=start + w * WEEK,
            reason=f"re-assess at {w:g} weeks",
            source_id="expert-estimate",
        )
        for w in weeks
    ]


def summarise_course(
    checkins: Sequence[CheckinInput], knowledge: KnowledgeBase | None = None
) -> CourseSummary:
    """The course of an episode; the first check-in (by time) is the episode's starting assessment."""
    if not checkins:
        raise ValueError("a course needs at least one check-in")
    ordered = sorted(checkins, key=lambda c: c.at)
    start = ordered[0].at
    measures = [measures_of(c, start, knowledge) for c in ordered]
    latest = ordered[-1]
    changes: list[MeasureChange] = []
    escalations: list[Escalation] = []
    overall: Overall = "first check-in"
    if len(measures) > 1:
        changes = compare_measures(measures[-2], measures[-1])
        overall = _overall(changes)
        escalations = _escalations(measures[-2], measures[-1])
    level = latest.assessment.triage.level
    for item in escalations:
        if _rank(item.triage_level) > _rank(level):
            level = item.triage_level
    # An open emergency/urgent level holds until a clinician has reviewed a later check-in.
    held: TriageLevel | None = None
    for checkin in ordered:
        if checkin.reviewed_by_clinician:
            held = None
        if checkin.assessment.triage.level in _HELD_LEVELS and (
            held is None or _rank(checkin.assessment.triage.level) > _rank(held)
        ):
            held = checkin.assessment.triage.level
    if held is not None and _rank(held) > _rank(level):
        level = held
    schedule = [] if level in _HELD_LEVELS else schedule_from(ordered[0].assessment, start, knowledge)
    return CourseSummary(
        measures=measures,
        changes=changes,
        overall=overall,
        escalations=escalations,
        triage_level=level,
        needs_clinician_review=level in _HELD_LEVELS or bool(escalations),
        schedule=schedule,
    )
