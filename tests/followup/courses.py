"""Small hand-made courses of check-ins (CourseSummary), built from the follow-up models only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from nervemap.followup.models import CheckinDue, CheckinMeasures, CourseSummary, Escalation
from nervemap.knowledge.models import TriageLevel

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
NG59 = "nice-ng59-2016"


def measures(
    week: float,
    leg: float | None,
    back: float | None,
    mrc: dict[str, int],
    level: TriageLevel = TriageLevel.ROUTINE,
    function: float | None = None,
) -> CheckinMeasures:
    return CheckinMeasures(
        at=START + timedelta(weeks=week),
        weeks_since_start=week,
        leg_pain=leg,
        back_pain=back,
        function=function,
        function_measure="odi" if function is not None else None,
        worst_mrc=mrc,
        triage_level=level,
    )


def foot_drop_course() -> CourseSummary:
    """Sciatica with a foot drop developing by week 3 (the issue's second acceptance case)."""
    return CourseSummary(
        measures=[
            measures(0, 8, 5, {"ankle_dorsiflexion:left": 5, "hip_abduction:left": 5}, function=52),
            measures(2, 7, None, {"ankle_dorsiflexion:left": 4}, TriageLevel.SOON, function=46),
            measures(3, 7, 5, {"ankle_dorsiflexion:left": 2}, TriageLevel.URGENT),
        ],
        overall="worsening",
        escalations=[
            Escalation(
                rule_id="followup-motor-deficit-new-or-progressing",
                triage_level=TriageLevel.URGENT,
                clinician_text="New or progressing weakness: ankle dorsiflexion, left MRC 4 -> 2",
                patient_text="Your leg has become weaker.",
                source_ids=[NG59],
            )
        ],
        triage_level=TriageLevel.URGENT,
        needs_clinician_review=True,
        schedule=[
            CheckinDue(
                weeks=w, due_at=START + timedelta(weeks=w), reason="re-assess", source_id="expert-estimate"
            )
            for w in (2, 6, 12)
        ],
    )


def improving_course() -> CourseSummary:
    return CourseSummary(
        measures=[measures(0, 7, 3, {}), measures(2, 5, 2, {}), measures(6, 2, 1, {})],
        overall="improving",
        triage_level=TriageLevel.ROUTINE,
        needs_clinician_review=False,
    )
