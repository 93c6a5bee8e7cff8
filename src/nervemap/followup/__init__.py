"""Follow-up over time (issue 19): check-ins of an episode, their measures, changes and escalations.

Imports only the engine and the knowledge base; the store keeps these records as JSON and never
imports this package.
"""

from nervemap.followup.course import (
    compare_measures,
    measures_of,
    schedule_from,
    summarise_course,
)
from nervemap.followup.models import (
    CheckinDue,
    CheckinInput,
    CheckinMeasures,
    CheckinSource,
    CourseSummary,
    Escalation,
    MeasureChange,
    Overall,
    Trend,
)

__all__ = [
    "CheckinDue",
    "CheckinInput",
    "CheckinMeasures",
    "CheckinSource",
    "CourseSummary",
    "Escalation",
    "MeasureChange",
    "Overall",
    "Trend",
    "compare_measures",
    "measures_of",
    "schedule_from",
    "summarise_course",
]
