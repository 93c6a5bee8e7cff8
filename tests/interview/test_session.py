from __future__ import annotations

import json

import pytest

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.interview import AnswerError, InterviewSession, SessionError
from nervemap.interview.respondent import respond

from .helpers import golden

MAP = [
    {"region": "buttock", "side": "left"},
    {"region": "thigh_posterior", "side": "left"},
    {"region": "leg_lateral", "side": "left"},
    {"region": "foot_dorsum", "side": "left", "kind": "tingling"},
]


def _started() -> InterviewSession:
    session = InterviewSession("clinician")
    session.answer("red_flags_nerves", [])
    session.answer("red_flags_general", [])
    session.answer("body_map", MAP)
    session.answer("age", 41)
    return session


def _fingerprint(session: InterviewSession) -> tuple[object, ...]:
    step = session.step()
    return (
        session.answers,
        session.case.model_dump_json(),
        session.current_assessment().model_dump_json(),
        step.question.id if step.question else None,
        step.why,
    )


def test_back_then_answer_again_is_the_same_state() -> None:
    session = _started()
    reference = _fingerprint(session)
    assert session.back() == ("age", 41.0)
    assert session.case.age is None
    session.answer("age", 41)
    assert _fingerprint(session) == reference


def test_changing_an_answer_equals_answering_that_way_first() -> None:
    changed = _started()
    changed.change("body_map", MAP[:2])
    direct = InterviewSession("clinician")
    direct.answer("red_flags_nerves", [])
    direct.answer("red_flags_general", [])
    direct.answer("body_map", MAP[:2])
    direct.answer("age", 41)
    assert _fingerprint(changed) == _fingerprint(direct)


def test_resume_continues_identically() -> None:
    case = golden("s1-left-disc")
    session = _started()
    saved = session.to_json()
    resumed = InterviewSession.from_json(saved)
    assert _fingerprint(resumed) == _fingerprint(session)
    for _ in range(3):
        question = session.next_question()
        assert question is not None
        assert resumed.next_question() == question
        session.answer(question.id, respond(question, case))
        resumed.answer(question.id, respond(question, case))
    assert _fingerprint(resumed) == _fingerprint(session)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"hello": 1}', "not a saved nervemap interview"),
        (b"\xff\xfe", "not valid JSON"),
        ('{"format": "nervemap-interview-session", "version": 99}', "version 99 is not supported"),
        (
            '{"format": "nervemap-interview-session", "version": 1, "mode": "clinician", '
            '"setting": "primary-care", "catalogue_version": "1", "knowledge_version": "x", '
            '"answers": [{"question": "age", "value": 400}]}',
            "saved answer 1: question 'age'",
        ),
        (
            '{"format": "nervemap-interview-session", "version": 1, "mode": "clinician", '
            '"setting": "primary-care", "catalogue_version": "1", "knowledge_version": "x", '
            '"answers": [{"question": "age", "value": 40}, {"question": "age", "value": 41}]}',
            "answered twice",
        ),
    ],
)
def test_a_corrupt_or_foreign_file_is_refused_and_changes_nothing(text: str | bytes, message: str) -> None:
    session = _started()
    before = _fingerprint(session)
    with pytest.raises(SessionError, match=message):
        session.restore(text)
    with pytest.raises(SessionError):
        InterviewSession.from_json(text)
    assert _fingerprint(session) == before


def test_restore_replaces_the_state() -> None:
    session = _started()
    other = InterviewSession("clinician")
    other.restore(session.to_json())
    assert _fingerprint(other) == _fingerprint(session)
    payload = json.loads(session.to_json())
    assert payload["format"] == "nervemap-interview-session" and payload["version"] == 1


@pytest.mark.parametrize(
    ("question", "value", "reason"),
    [
        ("no_such_question", "yes", "no such question"),
        ("back_pain", "maybe", "expected yes, no or unknown"),
        ("age", 130, "out of range"),
        ("age", "old", "expected a number"),
        ("age", True, "expected a number"),  # strict, as the Case: true is not an age
        ("age", False, "expected a number"),
        ("age", "45", "a string or a boolean is not a number"),
        ("age", " 45 ", "expected a number"),
        ("age", "nan", "expected a number"),
        ("age", None, "expected a number"),
        ("age", [45], "expected a number"),
        ("age", 10**400, "out of range"),
        ("age", {"value": 45}, "expected {'value': number, 'unit': text}"),
        ("age", {"value": 45, "unit": "weeks"}, "expected no unit"),
        ("duration", {"value": "3", "unit": "months"}, "value: expected a number in weeks"),
        ("duration", {"value": True, "unit": "weeks"}, "value: expected a number"),
        ("duration", {"value": 3, "unit": "furlongs"}, "expected 'weeks'"),
        ("duration", {"value": 200, "unit": "years"}, "out of range"),
        ("pain_score", True, "expected a number"),
        ("pain_score", "7", "expected a number"),
        ("sex", "other", "expected one of female, male"),
        ("worse_with", ["dancing"], "unknown option 'dancing'"),
        ("body_map", [{"region": "elbow", "side": "left"}], "unknown body region 'elbow'"),
        ("body_map", [{"region": "saddle", "side": "left"}], "midline region"),
        ("strength_hip", [{"movement": "hip_flexion", "side": "left", "grade": 7}], "out of range"),
        (
            "strength_hip",
            [{"movement": "ankle_dorsiflexion", "side": "left", "grade": 4}],
            "movement must be",
        ),
        ("reflexes", [{"reflex": "achilles", "side": "up", "grade": 1}], "side must be left or right"),
        ("slr", "sideways", "expected one of"),
        ("imaging_compression", [{"kind": "disc-herniation", "level": "L9-L10"}], "level"),
        ("age", 50, "already answered"),
    ],
)
def test_bad_input_names_the_question_and_leaves_the_state(question: str, value: object, reason: str) -> None:
    session = _started()
    before = _fingerprint(session)
    with pytest.raises(AnswerError, match=reason) as caught:
        session.answer(question, value)
    assert caught.value.question_id == question
    assert question in str(caught.value)
    assert _fingerprint(session) == before


def test_change_and_back_errors_leave_the_state() -> None:
    session = InterviewSession("patient")
    with pytest.raises(AnswerError, match="nothing to undo"):
        session.back()
    with pytest.raises(AnswerError, match="not answered yet"):
        session.change("age", 40)


def test_current_assessment_is_what_nervemap_assess_gives() -> None:
    session = _started()
    session.answer("strength_ankle_up", [{"movement": "great_toe_extension", "side": "left", "grade": 4}])
    session.answer("slr", "left")
    dumped = json.loads(session.case.model_dump_json())
    assert session.current_assessment() == assess(Case.model_validate(dumped))


@pytest.mark.parametrize(
    ("question", "value", "stored"),
    [
        ("age", 41, 41.0),
        ("age", 41.5, 41.5),
        ("duration", 6, 6.0),
        ("duration", {"value": 6, "unit": "weeks"}, 6.0),
        ("duration", {"value": 1, "unit": "week"}, 1.0),
        ("duration", {"value": 14, "unit": "days"}, 2.0),
        ("duration", {"value": 3, "unit": "Months"}, 3 * 365.25 / 12 / 7),
        ("duration", {"value": 1, "unit": "year"}, 365.25 / 7),
        ("pain_score", 7, 7.0),
    ],
)
def test_number_answers_take_json_numbers_and_explicit_units(
    question: str, value: object, stored: float
) -> None:
    session = InterviewSession("clinician")
    session.answer(question, value)
    assert session.back() == (question, pytest.approx(stored))


def test_leg_and_back_pain_and_function_fill_the_course_scores() -> None:
    """Issue 19: the interview asks leg and back pain and the PSFS rating; the single pain score the
    severity reads is the worse of the two pains."""
    session = InterviewSession("patient")
    session.answer("pain_score", 6)
    session.answer("back_pain_score", 8)
    session.answer("function_score", 3)
    scores = session.case.scores
    assert (scores.leg_pain_nrs, scores.back_pain_nrs, scores.psfs) == (6.0, 8.0, 3.0)
    assert scores.pain_nrs == 8.0
    assert session.current_assessment().severity.pain_nrs == 8.0
    session.change("back_pain_score", 2)
    assert session.case.scores.pain_nrs == 6.0 and session.case.scores.back_pain_nrs == 2.0


def test_an_unknown_back_pain_leaves_the_leg_pain_as_the_pain_score() -> None:
    session = InterviewSession("patient")
    session.answer("pain_score", 7)
    session.answer("back_pain_score", "unknown")
    session.answer("function_score", "unknown")
    scores = session.case.scores
    assert (scores.pain_nrs, scores.leg_pain_nrs, scores.back_pain_nrs, scores.psfs) == (7.0, 7.0, None, None)


@pytest.mark.parametrize("question", ["back_pain_score", "function_score"])
def test_the_course_measures_are_0_to_10(question: str) -> None:
    session = InterviewSession("patient")
    for bad in (11, -1, "5"):
        with pytest.raises(AnswerError, match=question):
            session.answer(question, bad)
    assert session.asked == []


def test_a_case_with_one_pain_score_answers_it_as_the_leg_pain() -> None:
    catalogue = InterviewSession("patient").catalogue
    case = Case.model_validate({"scores": {"pain_nrs": 7}})
    assert respond(catalogue.by_id["pain_score"], case) == 7
    assert respond(catalogue.by_id["back_pain_score"], case) == "unknown"
    both = Case.model_validate({"scores": {"pain_nrs": 7, "leg_pain_nrs": 5, "back_pain_nrs": 7, "psfs": 4}})
    answers = [respond(catalogue.by_id[q], both) for q in ("pain_score", "back_pain_score", "function_score")]
    assert answers == [5, 7, 4]
