from __future__ import annotations

import pytest

from nervemap.engine.case import Case
from nervemap.interview import InterviewSession, StopReason
from nervemap.interview.catalogue import default_catalogue
from nervemap.interview.policy import SAFETY_WHY, PolicyConfig, counted
from nervemap.interview.respondent import respond

from .helpers import golden, run


def _screen(session: InterviewSession, nerves: object, general: object = "unknown") -> None:
    session.answer("red_flags_nerves", nerves)
    if session.next_question() is not None:
        session.answer("red_flags_general", general)


def test_the_red_flag_screen_is_asked_first() -> None:
    for mode in ("patient", "clinician"):
        session = InterviewSession(mode)  # type: ignore[arg-type]
        first = session.next_question()
        assert first is not None and first.id == "red_flags_nerves"
        session.answer("red_flags_nerves", [])
        second = session.next_question()
        assert second is not None and second.id == "red_flags_general"


def test_an_emergency_red_flag_stops_at_once() -> None:
    session = InterviewSession("patient")
    session.answer("red_flags_nerves", ["saddle"])
    assert session.finished and session.stop_reason == StopReason.RED_FLAG
    triage = session.current_assessment().triage
    assert triage.level == "emergency"
    assert "ces_sphincter_or_saddle" in {flag.id for flag in triage.red_flags}


def test_an_urgent_red_flag_finishes_the_screen_then_stops() -> None:
    session = InterviewSession("patient")
    session.answer("red_flags_nerves", ["both_legs_pain"])
    question = session.next_question()
    assert question is not None and question.id == "red_flags_general"  # could still escalate
    session.answer("red_flags_general", [])
    # then what could still make it an emergency (test_red_flag_safety.py): new or getting worse,
    # here not known
    while (question := session.next_question()) is not None:
        assert question.id in ("duration", "getting_worse", "new_numb_weak")
        session.answer(question.id, "unknown")
    assert session.stop_reason == StopReason.RED_FLAG
    assert session.current_assessment().triage.level == "urgent"


def test_a_later_answer_can_escalate_an_urgent_screen_to_emergency() -> None:
    session = InterviewSession("patient")
    session.answer("red_flags_nerves", ["both_legs_weak"])
    session.answer("red_flags_general", ["cancer"])
    assert session.stop_reason == StopReason.RED_FLAG
    assert session.current_assessment().triage.level == "emergency"


def test_dont_know_is_recorded_as_unknown_never_as_no() -> None:
    session = InterviewSession("patient")
    session.answer("red_flags_nerves", "unknown")
    session.answer("red_flags_general", {"fever": "no", "cancer": "unknown"})
    statuses = {f.id: f.status.value for f in session.case.findings}
    screened = [f for o in default_catalogue().by_id["red_flags_nerves"].options for f in o.findings]
    assert all(statuses[f] == "unknown" for f in screened)
    assert statuses["fever"] == "absent" and statuses["history_of_cancer"] == "unknown"
    used = {f.id: f.status for f in session.current_assessment().findings_used}
    assert "urinary_retention" not in used and "history_of_cancer" not in used
    assert used["fever"] == "absent"


@pytest.mark.parametrize("answer", ["unknown", "?", "don't know"])
def test_dont_know_on_a_yes_no_question(answer: str) -> None:
    session = InterviewSession("patient")
    _screen(session, [], [])
    session.answer("back_pain", answer)
    assert session.answers[-1] == ("back_pain", "unknown")
    assert "back_pain" not in {f.id for f in session.current_assessment().findings_used}


def test_patient_mode_never_repeats_and_never_examines() -> None:
    case = golden("l5-left-disc")
    session = InterviewSession("patient", case.setting)
    asked = run(session, case)
    assert len(asked) == len(set(asked))
    catalogue = default_catalogue()
    assert all(catalogue.by_id[q].mode in ("patient", "both") for q in asked)
    assert session.finished


def test_clinician_interview_reaches_the_full_information_answer() -> None:
    case = golden("l5-left-disc")
    session = InterviewSession("clinician", case.setting)
    asked: list[str] = []
    safety: list[str] = []
    while (current := session.step()).question is not None and len(asked) < 40:
        asked.append(current.question.id)
        if current.why == SAFETY_WHY:
            safety.append(current.question.id)
        session.answer(current.question.id, respond(current.question, case))
    # the limit counts the questions chosen for information; safety questions come on top
    assert len(asked) == len(set(asked)) and len(asked) - len(safety) <= session.config.max_questions
    assessment = session.current_assessment()
    top = assessment.localization[0]
    assert (top.root, top.side) == ("L5", "left")
    assert assessment.differential[0].id == "lumbar_disc_herniation"
    step = session.step()
    assert step.question is None and step.stop in (StopReason.CONFIDENT, StopReason.NO_GAIN)


def test_exam_questions_are_refused_in_patient_mode() -> None:
    session = InterviewSession("patient")
    with pytest.raises(ValueError, match=r"strength_ankle_up.*clinician-only"):
        session.answer("strength_ankle_up", [{"movement": "ankle_dorsiflexion", "side": "left", "grade": 4}])


def test_each_question_carries_a_plain_reason_naming_what_it_separates() -> None:
    session = InterviewSession("patient")
    _screen(session, [], [])
    session.answer(
        "body_map",
        [{"region": "buttock", "side": "left"}, {"region": "leg_lateral", "side": "left"}],
    )
    question = session.next_question()
    assert question is not None
    why = session.why(question.id)
    assert "{" not in why and len(why) > 20
    names = [d.patient_name.lower()[:12] for d in session.current_assessment().differential]
    site_words = [w.patient for w in default_catalogue().sites.values()]
    assert any(n in why.lower() for n in names) or any(w in why for w in site_words)


def test_the_next_question_depends_only_on_the_state() -> None:
    first, second = InterviewSession("patient"), InterviewSession("patient")
    for session in (first, second):
        _screen(session, [], [])
        session.answer("age", 60)
    assert first.next_question() == second.next_question()
    assert first.step().why == second.step().why


def test_case_fields_come_from_answers() -> None:
    session = InterviewSession("patient")
    _screen(session, [], [])
    session.answer("age", 41)
    session.answer("duration", 3)
    assert session.case.age == 41 and session.case.duration_days == 21
    assert isinstance(session.case, Case)


def test_duration_sex_and_pain_are_always_asked_after_the_screen() -> None:
    """Severity and the plan need them: they are asked whatever the expected gain (issue 15)."""
    core = [q.id for q in default_catalogue().questions if q.phase == "core"]
    assert core == ["sex", "duration", "pain_score", "back_pain_score", "function_score"]
    session = InterviewSession("patient")
    _screen(session, [], [])
    asked = []
    for _ in core:
        question = session.next_question()
        assert question is not None and question.why
        asked.append(question.id)
        session.answer(question.id, "unknown")
    assert asked == core
    following = session.next_question()
    assert following is None or following.phase == "adaptive"


def test_an_emergency_stops_before_the_core_questions() -> None:
    session = InterviewSession("patient")
    session.answer("red_flags_nerves", ["retention"])
    assert session.finished and "duration" not in session.asked


def test_the_course_measures_do_not_shorten_the_diagnostic_interview() -> None:
    """Back pain and function (issue 19) tell nothing about the cause: outside the question budget,
    so a patient is still asked as many questions chosen by gain as before they were added."""
    catalogue = default_catalogue()
    outside = [q.id for q in catalogue.questions if not q.budget]
    assert outside == ["back_pain_score", "function_score"]
    assert counted(catalogue, ["sex", "duration", "pain_score", *outside]) == 3
    # an interview that runs to the budget: as many questions chosen by gain as the budget leaves
    # after the screen and the three counted core questions, the measures asked besides
    config = PolicyConfig(max_questions=8, condition_target=1.01, min_gain=0.0)
    session = InterviewSession("patient", config=config)
    asked = run(session, golden("l5-left-disc"))
    assert session.stop_reason == StopReason.MAX_QUESTIONS
    assert set(outside) <= set(asked)
    adaptive = [q for q in asked if catalogue.by_id[q].phase == "adaptive"]
    assert len(adaptive) >= config.max_questions - 2 - 3


def test_a_clinicians_checkin_asks_the_course_measures_after_the_screen() -> None:
    """A clinician's ordinary interview chooses by gain (the measures gain nothing, so they are not
    asked); a check-in asks them, as a patient's interview always does (issue 19)."""
    measures = ["pain_score", "back_pain_score", "function_score"]
    for checkin, expected in ((False, False), (True, True)):
        session = InterviewSession("clinician", checkin=checkin)
        _screen(session, [], [])
        following = []
        for _ in measures:
            question = session.next_question()
            assert question is not None
            following.append(question.id)
            session.answer(question.id, 5 if question.id in measures else "unknown")
        assert (following == measures) is expected
        restored = InterviewSession.from_json(session.to_json())
        assert restored.checkin is checkin and restored.next_question() == session.next_question()


@pytest.mark.parametrize("mode", ["patient", "clinician"])
def test_the_general_screen_asks_about_a_faint_or_collapse(mode: str) -> None:
    """A leaking aneurysm shows itself by back or flank pain with a faint or collapse; without the
    question the simulated clinician interview of golden aaa-leak-collapse ended at urgent."""
    screen = default_catalogue().by_id["red_flags_general"]
    assert "syncope_or_collapse" in {f for option in screen.options for f in option.findings}
    session = InterviewSession(mode)  # type: ignore[arg-type]
    session.answer("red_flags_nerves", [])
    session.answer("red_flags_general", ["collapse"])
    while session.next_question() is not None and not session.finished:
        question = session.next_question()
        assert question is not None
        if question.id == "age":
            session.answer("age", 74)
        elif question.id == "back_pain":
            session.answer("back_pain", "yes")
        else:
            session.answer(question.id, "unknown")
    assert session.current_assessment().triage.level == "emergency"
