"""Presentation of a follow-up course (issue 19): the measures as a table (the text alternative of
the timeline plot), the latest changes in a clinician's words, and the patient's plain "how you are
doing" summary.

Nothing here judges the course: every trend, threshold, escalation and planned check-in is a field
of :class:`~nervemap.followup.models.CourseSummary`; these helpers only choose words and order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nervemap.engine.compiled import CompiledKnowledge, default_compiled, held
from nervemap.followup.models import CheckinMeasures, CourseSummary, Escalation, MeasureChange
from nervemap.followup.timeline_svg import Timeline, timeline_for

# ------------------------------------------------------------------ names


def _movement_names(knowledge: CompiledKnowledge | None) -> dict[str, tuple[str, str]]:
    """Movement id -> (clinician name, patient name), of the knowledge base handed in (the app's;
    the bundled one when none is), kept on it."""
    return held(
        knowledge or default_compiled(),
        "web_movement_names",
        lambda c: {m.id: (m.name, m.patient_name) for m in c.knowledge.anatomy.movements},
    )


def _region_names(knowledge: CompiledKnowledge | None) -> dict[str, tuple[str, str]]:
    return held(
        knowledge or default_compiled(),
        "web_region_names",
        lambda c: {r.id: (r.name, r.patient_name) for r in c.regions.values()},
    )


def episode_timeline(
    course: CourseSummary,
    escalations: Iterable[Sequence[Any] | None],
    title: str,
    knowledge: CompiledKnowledge | None = None,
) -> Timeline:
    """The timeline of an episode's course as its page and its report draw it: a marker for every
    escalation each check-in stored (the course itself holds only the latest's), movement names and
    the guideline window from ``knowledge`` (the app's compiled knowledge)."""
    history = [Escalation.model_validate(item) for stored in escalations for item in stored or []]
    kb = knowledge.knowledge if knowledge is not None else None
    return timeline_for(course, kb, title=title, escalations=history)


FIXED_LABELS = {
    "leg_pain": "Leg pain (0-10)",
    "back_pain": "Back pain (0-10)",
    "function": "Function",
    "map_regions": "Pain map: regions marked",
    "distal_rank": "Pain map: how far down the leg",
}


def movement_label(key: str, knowledge: CompiledKnowledge | None = None) -> str:
    """'mrc:ankle_dorsiflexion:left' or 'ankle_dorsiflexion:left' -> 'Ankle dorsiflexion, left (MRC)'."""
    parts = key.removeprefix("mrc:").split(":")
    movement, side = parts[0], (parts[1] if len(parts) > 1 else "unsided")
    name = _movement_names(knowledge).get(movement, (movement.replace("_", " "), ""))[0]
    where = "" if side == "unsided" else f", {side}"
    return f"{name[:1].upper()}{name[1:]}{where} (MRC)"


def measure_label(
    measure: str, function_measure: str | None = None, knowledge: CompiledKnowledge | None = None
) -> str:
    if measure.startswith("mrc:"):
        return movement_label(measure, knowledge)
    if measure == "function" and function_measure:
        return f"Function ({function_measure})"
    return FIXED_LABELS.get(measure, measure.replace("_", " "))


def region_name(region: str | None, knowledge: CompiledKnowledge | None = None) -> str:
    if region is None:
        return "-"
    return _region_names(knowledge).get(region, (region.replace("_", " "), ""))[0]


def number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def weeks_label(weeks: float) -> str:
    if weeks < 0.15:
        return "start"
    return f"week {round(weeks, 1):g}"


# ------------------------------------------------------------------ the table of measures


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class CourseTable:
    """One column per check-in (oldest first), one row per measure any check-in has."""

    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]


def _function_measure(measures: list[CheckinMeasures]) -> str | None:
    return next((m.function_measure for m in measures if m.function_measure), None)


def course_table(course: CourseSummary, knowledge: CompiledKnowledge | None = None) -> CourseTable:
    """The measures of a course, named with ``knowledge`` (the app's compiled knowledge)."""
    measures = course.measures
    columns = tuple(f"{m.at:%d %b %Y} ({weeks_label(m.weeks_since_start)})" for m in measures)
    rows: list[TableRow] = []

    def add(label: str, values: list[str]) -> None:
        if any(v != "-" for v in values):
            rows.append(TableRow(label, tuple(values)))

    add(FIXED_LABELS["leg_pain"], [number(m.leg_pain) for m in measures])
    add(FIXED_LABELS["back_pain"], [number(m.back_pain) for m in measures])
    add(
        measure_label("function", _function_measure(measures), knowledge),
        [number(m.function) for m in measures],
    )
    add(FIXED_LABELS["map_regions"], [number(m.map_regions) for m in measures])
    add("Pain map: lowest place marked", [region_name(m.most_distal_region, knowledge) for m in measures])
    for key in sorted({k for m in measures for k in m.worst_mrc}):
        add(movement_label(key, knowledge), [number(m.worst_mrc.get(key)) for m in measures])
    add("Red flags", [", ".join(m.red_flags) or "none" for m in measures])
    add("Triage of the check-in", [m.triage_level.value for m in measures])
    return CourseTable(columns, tuple(rows))


# ------------------------------------------------------------------ the latest changes (clinician)


@dataclass(frozen=True)
class ChangeLine:
    label: str
    previous: str
    current: str
    trend: str
    basis: str  # the minimal important change applied and its source, or why none


def change_lines(course: CourseSummary, knowledge: CompiledKnowledge | None = None) -> list[ChangeLine]:
    function_measure = _function_measure(course.measures)
    out: list[ChangeLine] = []
    for change in course.changes:
        if change.previous is None and change.current is None:
            continue  # measured at neither check-in: nothing to say
        if change.threshold is not None:
            basis = f"minimal important change {change.threshold:g}"
            basis += f" ({change.source_id})" if change.source_id else ""
        else:
            basis = "no published minimal important change: any change counts"
        out.append(
            ChangeLine(
                measure_label(change.measure, function_measure, knowledge),
                number(change.previous),
                number(change.current),
                change.trend,
                basis,
            )
        )
    return out


def comparable(course: CourseSummary) -> bool:
    """Some measure of the latest check-in could be compared with the one before."""
    return any(c.trend != "not comparable" for c in course.changes)


def overall_words(course: CourseSummary) -> str:
    """The course's overall trend, or that nothing could be compared (then "unchanged" would mislead)."""
    if course.changes and not comparable(course) and course.overall == "unchanged":
        return "not comparable with the check-in before"
    return course.overall


# ------------------------------------------------------------------ due and overdue


@dataclass(frozen=True)
class Due:
    """A planned check-in not yet done, and whether its date has passed."""

    due_at: datetime
    weeks: float
    overdue: bool

    @property
    def state(self) -> str:
        return "overdue" if self.overdue else "due"


def next_due(course: CourseSummary, now: datetime) -> Due | None:
    """The first planned check-in of the course's own schedule after the latest check-in."""
    latest = course.measures[-1].at if course.measures else None
    for planned in sorted(course.schedule, key=lambda d: d.due_at):
        if latest is None or planned.due_at > latest:
            return Due(planned.due_at, planned.weeks, planned.due_at <= now)
    return None


# ------------------------------------------------------------------ the patient's summary

OVERALL_WORDS = {
    "improving": "You are doing better than at your last check-in.",
    "unchanged": "Things are about the same as at your last check-in.",
    "worsening": "Some things are worse than at your last check-in.",
    "first check-in": "This is your first check-in. We will compare the next ones with it.",
}
# nothing could be compared (e.g. the last check-in was a clinician's, with other measures)
NOT_COMPARED = "We cannot yet compare this check-in with your last one. Your clinic will look at it."
_PAIN_NAMES = {"leg_pain": "leg pain", "back_pain": "back pain"}


def _pain_sentence(change: MeasureChange) -> str | None:
    name = _PAIN_NAMES[change.measure]
    if change.previous is None or change.current is None:
        return None
    before, now = number(change.previous), number(change.current)
    if change.trend == "improved":
        return f"Your {name} went down from {before} to {now} out of 10."
    if change.trend == "worse":
        return f"Your {name} went up from {before} to {now} out of 10."
    return f"Your {name} is about the same: {now} out of 10."


_SENTENCES: dict[tuple[str, str], str] = {
    ("function", "improved"): "Day-to-day tasks are easier for you.",
    ("function", "worse"): "Day-to-day tasks are harder for you.",
    ("map_regions", "improved"): "The area where you feel it is smaller.",
    ("map_regions", "worse"): "The area where you feel it is bigger.",
    ("distal_rank", "improved"): "The pain does not go as far down your leg.",
    ("distal_rank", "worse"): "The pain now goes further down your leg.",
    ("mrc", "improved"): "Your muscle strength test was better.",
    ("mrc", "worse"): "Your muscle strength test was weaker.",
}


@dataclass(frozen=True)
class PatientCourse:
    headline: str
    lines: list[str]
    warnings: list[str]  # the patient wording of each escalation
    next_check: str | None


def patient_course(course: CourseSummary, coming: Due | None) -> PatientCourse:
    """The plain summary; ``coming``: the next planned check-in (None: none planned)."""
    lines: list[str] = []
    strength_said = False
    for change in course.changes:
        if change.measure in _PAIN_NAMES:
            sentence = _pain_sentence(change)
        elif change.measure.startswith("mrc:"):
            if strength_said:
                continue
            sentence = _SENTENCES.get(("mrc", change.trend))
            strength_said = sentence is not None
        else:
            sentence = _SENTENCES.get((change.measure, change.trend))
        if sentence:
            lines.append(sentence)
    next_check = None
    if coming is not None:
        day = f"{coming.due_at:%A %d %B}".replace(" 0", " ")
        next_check = (
            f"Your next check-in was due on {day}. Please do it soon."
            if coming.overdue
            else f"Your next check-in is due on {day}."
        )
    headline = OVERALL_WORDS[course.overall]
    if course.changes and not comparable(course) and course.overall == "unchanged":
        headline = NOT_COMPARED
    return PatientCourse(
        headline,
        lines,
        [e.patient_text for e in course.escalations],
        next_check,
    )
