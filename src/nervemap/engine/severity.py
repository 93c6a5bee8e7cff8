"""Severity: neurological deficit, pain, disability and red flags, each with its basis."""

from __future__ import annotations

from nervemap.engine.assessment import SeverityResult, TriageResult
from nervemap.engine.case import Case
from nervemap.knowledge.models import Severity, TriageLevel

ORDER = (Severity.MILD, Severity.MODERATE, Severity.SEVERE)


def _grade_mrc(grade: int) -> Severity:
    # MRC 4 = movement against some resistance; 3 = against gravity only; <= 2 = cannot lift.
    if grade <= 2:
        return Severity.SEVERE
    return Severity.MODERATE if grade == 3 else Severity.MILD


def _grade_pain(nrs: float) -> Severity:
    # Cut-points 1-4 / 5-6 / 7-10 for mild / moderate / severe (Serlin 1995, Boonstra 2016).
    if nrs >= 7:
        return Severity.SEVERE
    return Severity.MODERATE if nrs >= 5 else Severity.MILD


def _grade_odi(odi: float) -> Severity:
    # Fairbank ODI bands: 0-20 minimal, 21-40 moderate, >40 severe or worse.
    if odi > 40:
        return Severity.SEVERE
    return Severity.MODERATE if odi > 20 else Severity.MILD


def assess_severity(case: Case, present: set[str], triage: TriageResult) -> SeverityResult:
    components: list[tuple[Severity, str]] = []
    worst = min((s.grade for s in case.strength), default=None)
    if worst is not None and worst < 5:
        weak = sorted(
            f"{s.movement} {s.side or ''} {s.grade}/5".replace("  ", " ")
            for s in case.strength
            if s.grade < 5
        )
        components.append((_grade_mrc(worst), f"motor deficit, worst MRC {worst}/5 ({', '.join(weak)})"))
    elif "motor_deficit" in present or "foot_drop" in present:
        components.append((Severity.MODERATE, "reported motor weakness (not graded)"))
    if "foot_drop" in present:
        components.append((Severity.SEVERE, "foot drop"))
    if "progressive_weakness" in present:
        components.append((Severity.SEVERE, "progressive neurological deficit"))
    if case.scores.pain_nrs is not None:
        nrs = case.scores.pain_nrs
        components.append((_grade_pain(nrs), f"pain {nrs:g}/10"))
    elif "severe_intractable_pain" in present:
        components.append((Severity.SEVERE, "severe pain not controlled by analgesia"))
    if case.scores.odi is not None:
        components.append((_grade_odi(case.scores.odi), f"Oswestry Disability Index {case.scores.odi:g}%"))
    if triage.level == TriageLevel.EMERGENCY and triage.red_flags:
        components.append((Severity.SEVERE, f"emergency red flag: {triage.red_flags[0].name}"))
    if case.duration_days is not None and case.duration_days >= 84:
        components.append((Severity.MILD, f"chronic: {case.duration_days:g} days (> 12 weeks)"))
    if not components:
        return SeverityResult(
            grade=Severity.MILD,
            basis=["no deficit, pain score or disability score given: graded mild by default"],
            duration_days=case.duration_days,
        )
    grade = max((c[0] for c in components), key=ORDER.index)
    return SeverityResult(
        grade=grade,
        basis=[f"{severity.value}: {why}" for severity, why in components],
        worst_mrc=worst,
        pain_nrs=case.scores.pain_nrs,
        odi=case.scores.odi,
        duration_days=case.duration_days,
    )
