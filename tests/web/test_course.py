"""The course in words (issue 19, item 5): the table that is the timeline's text alternative, the
clinician's list of changes, and the patient's plain "how you are doing" summary (grade 8 or below)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.followup import CheckinInput, CourseSummary, summarise_course
from nervemap.web.course import (
    OVERALL_WORDS,
    change_lines,
    course_table,
    next_due,
    overall_words,
    patient_course,
)
from tests.api.conftest import EXAMPLES
from tests.web.readability import MAX_GRADE, grade

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _l5(**changes: Any) -> dict[str, Any]:
    case: dict[str, Any] = json.loads((EXAMPLES / "l5-left-disc.json").read_text())
    if "pain_map_complete" in Case.model_fields:  # the whole map was drawn (not read from a note)
        case["pain_map_complete"] = True
    case.update(changes)
    return case


def _checkin(case: dict[str, Any], weeks: float, source: str = "patient") -> CheckinInput:
    parsed = Case.model_validate(case)
    return CheckinInput(
        at=START + timedelta(weeks=weeks), case=parsed, assessment=assess(parsed), source=source
    )


FEWER_MARKS = [
    {"region": "lower_back", "side": "left", "kind": "pain"},
    {"region": "buttock", "side": "left", "kind": "pain"},
]


@pytest.fixture(scope="module")
def improving() -> CourseSummary:
    return summarise_course(
        [
            _checkin(_l5(), 0),
            _checkin(_l5(scores={"pain_nrs": 4}), 2),
            _checkin(_l5(scores={"pain_nrs": 1}, pain_map=FEWER_MARKS), 6),
        ]
    )


@pytest.fixture(scope="module")
def foot_drop() -> CourseSummary:
    weaker = [
        {"movement": "ankle_dorsiflexion", "side": "left", "grade": 2},
        {"movement": "great_toe_extension", "side": "left", "grade": 2},
    ]
    return summarise_course([_checkin(_l5(), 0), _checkin(_l5(strength=weaker), 3, "clinician")])


def test_the_table_has_a_column_per_checkin_and_the_measures_as_rows(improving: CourseSummary) -> None:
    table = course_table(improving)
    assert len(table.columns) == 3
    assert table.columns[0] == "05 Jan 2026 (start)"
    assert table.columns[2] == "16 Feb 2026 (week 6)"
    rows = {row.label: row.cells for row in table.rows}
    assert rows["Leg pain (0-10)"] == ("7", "4", "1")
    assert rows["Pain map: regions marked"] == ("6", "6", "2")
    assert rows["Pain map: lowest place marked"][2] == "Buttock (gluteal region)"
    assert rows["Ankle dorsiflexion (tibialis anterior), left (MRC)"] == ("4", "4", "4")
    assert "Back pain (0-10)" not in rows  # no check-in measured it: no empty row
    assert all(len(cells) == 3 for cells in rows.values())


def test_the_clinician_sees_each_change_with_its_threshold_or_why_none(improving: CourseSummary) -> None:
    lines = {line.label: line for line in change_lines(improving)}
    pain = lines["Leg pain (0-10)"]
    assert (pain.previous, pain.current, pain.trend) == ("4", "1", "improved")
    assert pain.basis.startswith("minimal important change ")
    assert "any change counts" in lines["Pain map: regions marked"].basis


def test_the_patient_summary_says_better_and_names_the_next_checkin(improving: CourseSummary) -> None:
    summary = patient_course(improving, next_due(improving, START + timedelta(weeks=6, days=1)))
    assert summary.headline == OVERALL_WORDS["improving"]
    assert "Your leg pain went down from 4 to 1 out of 10." in summary.lines
    assert "The area where you feel it is smaller." in summary.lines
    assert summary.warnings == []
    assert summary.next_check == "Your next check-in is due on Monday 30 March."


def test_an_overdue_checkin_is_named_as_overdue(improving: CourseSummary) -> None:
    due = next_due(improving, START + timedelta(weeks=13))
    assert due is not None and due.overdue and due.weeks == 12
    summary = patient_course(improving, due)
    assert summary.next_check is not None and "Please do it soon" in summary.next_check


def test_weakness_is_said_once_and_the_escalation_is_passed_on(foot_drop: CourseSummary) -> None:
    summary = patient_course(foot_drop, next_due(foot_drop, START + timedelta(weeks=3)))
    assert summary.headline == OVERALL_WORDS["worsening"]
    assert summary.lines.count("Your muscle strength test was weaker.") == 1
    assert summary.warnings == [e.patient_text for e in foot_drop.escalations] != []
    assert summary.next_check is None  # urgent: no routine schedule


def test_every_patient_sentence_is_grade_8_or_below(
    improving: CourseSummary, foot_drop: CourseSummary
) -> None:
    from nervemap.web import course

    sentences = [*course.OVERALL_WORDS.values(), *course._SENTENCES.values()]
    for summary in (improving, foot_drop):
        told = patient_course(summary, next_due(summary, START + timedelta(weeks=13)))
        sentences += [*told.lines, *told.warnings, told.next_check or ""]
    too_hard = {s: round(grade(s), 1) for s in sentences if s and grade(s) > MAX_GRADE}
    assert too_hard == {}


def test_a_checkin_that_cannot_be_compared_is_not_called_the_same() -> None:
    from nervemap.web.course import NOT_COMPARED

    course = summarise_course(
        [_checkin({"age": 45}, 0, "clinician"), _checkin({"age": 45, "scores": {"pain_nrs": 3}}, 2)]
    )
    assert all(c.trend == "not comparable" for c in course.changes)
    assert patient_course(course, None).headline == NOT_COMPARED
    assert overall_words(course) == "not comparable with the check-in before"
    assert grade(NOT_COMPARED) <= MAX_GRADE
    lines = change_lines(course)
    assert [line.label for line in lines] == ["Leg pain (0-10)"]  # nothing said of unmeasured ones
