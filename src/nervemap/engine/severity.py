"""Severity: neurological deficit, pain, disability and red flags, each with its basis."""

from __future__ import annotations

from nervemap.engine.assessment import SeverityResult, TriageResult
from nervemap.engine.case import Case
from nervemap.engine.records import exact_maker, maker
from nervemap.knowledge.models import Severity, SeverityCutPoints, TriageLevel

ORDER = (Severity.MILD, Severity.MODERATE, Severity.SEVERE)
# the members as module constants (a member read through its Enum class costs several times a
# global's read in Python 3.11)
_MILD, _MODERATE, _SEVERE = ORDER
_EMERGENCY = TriageLevel.EMERGENCY
_RANK = {grade: i for i, grade in enumerate(ORDER)}
# the records as trusted() made them: every field in declared order; without components only the
# grade, basis and duration count as set (the others at their None defaults)
_VALUE: dict[str, str] = {grade: grade.value for grade in ORDER}  # grade.value, by a dict
_graded = exact_maker(SeverityResult)
_by_default = maker(SeverityResult, ["grade", "basis", "duration_days"])


# Cut-points are knowledge (thresholds.yaml, each with its source): MRC grading, pain NRS
# (Serlin 1995), Oswestry bands (Fairbank 2000), chronic duration.


def _grade_mrc(grade: int, cut: SeverityCutPoints) -> Severity:
    if grade <= cut.mrc_severe_max.value:
        return _SEVERE
    return _MODERATE if grade <= cut.mrc_moderate_max.value else _MILD


def _grade_pain(nrs: float, cut: SeverityCutPoints) -> Severity:
    if nrs >= cut.pain_severe_min.value:
        return _SEVERE
    return _MODERATE if nrs >= cut.pain_moderate_min.value else _MILD


def _grade_odi(odi: float, cut: SeverityCutPoints) -> Severity:
    if odi > cut.odi_severe_above.value:
        return _SEVERE
    return _MODERATE if odi > cut.odi_moderate_above.value else _MILD


def assess_severity(
    case: Case, present: set[str], triage: TriageResult, cut: SeverityCutPoints | None = None
) -> SeverityResult:
    if cut is None:
        from nervemap.knowledge.loader import default_knowledge, thresholds_of

        cut = thresholds_of(default_knowledge().knowledge).severity
    components: list[tuple[Severity, str]] = []
    worst = min([s.grade for s in case.strength], default=None)
    if worst is not None and worst < 5:
        weak = sorted(
            f"{s.movement} {s.side or ''} {s.grade}/5".replace("  ", " ")
            for s in case.strength
            if s.grade < 5
        )
        components.append((_grade_mrc(worst, cut), f"motor deficit, worst MRC {worst}/5 ({', '.join(weak)})"))
    elif "motor_deficit" in present or "foot_drop" in present:
        components.append((_MODERATE, "reported motor weakness (not graded)"))
    if "foot_drop" in present:
        components.append((_SEVERE, "foot drop"))
    if "progressive_weakness" in present:
        components.append((_SEVERE, "progressive neurological deficit"))
    if case.scores.pain_nrs is not None:
        nrs = case.scores.pain_nrs
        components.append((_grade_pain(nrs, cut), f"pain {nrs:g}/10"))
    elif "severe_intractable_pain" in present:
        components.append((_SEVERE, "severe pain not controlled by analgesia"))
    if case.scores.odi is not None:
        components.append(
            (_grade_odi(case.scores.odi, cut), f"Oswestry Disability Index {case.scores.odi:g}%")
        )
    if triage.level == _EMERGENCY and triage.red_flags:
        components.append((_SEVERE, f"emergency red flag: {triage.red_flags[0].name}"))
    chronic = cut.chronic_days.value
    if case.duration_days is not None and case.duration_days >= chronic:
        components.append((_MILD, f"chronic: {case.duration_days:g} days (>= {chronic:g} days)"))
    # the record without validation (trusted): the values are the engine's, of the field types
    if not components:
        return _by_default(
            {
                "grade": _MILD,
                "basis": ["no deficit, pain score or disability score given: graded mild by default"],
                "worst_mrc": None,
                "pain_nrs": None,
                "odi": None,
                "duration_days": _number(case.duration_days),
            }
        )
    grade = max((c[0] for c in components), key=_RANK.__getitem__)
    return _graded(  # all six fields, in declared order
        {
            "grade": grade,
            "basis": [f"{_VALUE[severity]}: {why}" for severity, why in components],
            "worst_mrc": None if worst is None else int(worst),
            "pain_nrs": _number(case.scores.pain_nrs),
            "odi": _number(case.scores.odi),
            "duration_days": _number(case.duration_days),
        }
    )


def _number(value: float | None) -> float | None:
    """A float field's value as validation stores it (an int becomes a float)."""
    return None if value is None else float(value)
