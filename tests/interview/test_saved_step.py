"""The computed step saved beside the session (issue 16): a reader restores it without ranking again,
and never uses it for another state."""

from __future__ import annotations

import pytest

from nervemap.interview import InterviewSession, SessionError, StopReason
from nervemap.interview import session as session_module
from nervemap.interview.policy import PolicyConfig

from .helpers import golden, run


def _no_ranking(*args: object, **kwargs: object) -> None:
    raise AssertionError("the step was computed again")


def test_a_saved_step_is_restored_without_computing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    session = InterviewSession("clinician")
    case = golden("l5-left-disc")
    run(session, case, limit=5)
    saved, text = session.saved_step(), session.to_json()
    step = session.step()
    monkeypatch.setattr(session_module, "next_step", _no_ranking)
    again = InterviewSession.from_json(text, step=saved)
    assert again.step().question == step.question and again.step().why == step.why
    assert again.why(step.question.id if step.question else "") == step.why


def test_a_step_saved_for_another_state_is_not_used() -> None:
    session = InterviewSession("clinician")
    run(session, golden("l5-left-disc"), limit=4)
    earlier = session.saved_step()
    question = session.next_question()
    assert question is not None
    session.answer(question.id, "unknown")
    later = InterviewSession.from_json(session.to_json(), step=earlier)
    assert later.step().question == session.step().question  # computed for its own state
    short = PolicyConfig(max_questions=3)
    other_policy = InterviewSession.from_json(session.to_json(), step=session.saved_step(), config=short)
    fresh = InterviewSession.from_json(session.to_json(), config=short).step()
    here = session.step()
    assert (other_policy.step().question, other_policy.step().why) == (fresh.question, fresh.why)
    assert (fresh.question, fresh.why, fresh.stop) != (here.question, here.why, here.stop)
    for damaged in (None, {}, {"format": "x"}, {**session.saved_step(), "question": "no_such_question"}):
        assert InterviewSession.from_json(session.to_json(), step=damaged).step().question == (
            session.step().question
        )


def test_a_red_flag_stop_keeps_what_the_flag_says(monkeypatch: pytest.MonkeyPatch) -> None:
    session = InterviewSession("patient")
    session.answer("red_flags_nerves", ["saddle"])
    assert session.stop_reason == StopReason.RED_FLAG
    saved = session.saved_step()
    assert saved["red_flag"]["level"] == "emergency" and saved["red_flag"]["patient_advice"]
    monkeypatch.setattr(session_module, "next_step", _no_ranking)
    again = InterviewSession.from_json(session.to_json(), step=saved)
    assert again.stop_reason == StopReason.RED_FLAG and again.red_flag() == saved["red_flag"]


def _no_replay(*args: object, **kwargs: object) -> None:
    raise AssertionError("the saved answers were replayed")


def test_a_state_saved_in_this_process_is_resumed_without_replaying(monkeypatch: pytest.MonkeyPatch) -> None:
    session = InterviewSession("clinician")
    case = golden("l5-left-disc")
    run(session, case, limit=4)
    saved, text = session.saved_step(), session.to_json()
    monkeypatch.setattr(InterviewSession, "_replay", _no_replay)
    again = InterviewSession.from_json(text, step=saved)
    assert again.answers == session.answers and again.case == session.case
    assert again.step().question == session.step().question
    question = again.next_question()
    assert question is not None
    again.answer(question.id, "unknown")  # the next answer builds on the kept state
    assert len(again.answers) == len(session.answers) + 1 and len(session.answers) == 4
    monkeypatch.undo()
    fresh = InterviewSession("clinician")
    for question_id, value in again.answers:
        fresh.answer(question_id, value)
    assert fresh.case == again.case and fresh.step().question == again.step().question


def test_a_state_not_saved_here_is_replayed(monkeypatch: pytest.MonkeyPatch) -> None:
    session = InterviewSession("clinician")
    run(session, golden("l5-left-disc"), limit=3)
    session.saved_step()
    other = InterviewSession("clinician", case_id="another")  # never saved: replayed
    for question_id, value in session.answers:
        other.answer(question_id, value)
    replayed: list[int] = []
    original = InterviewSession._replay

    def replay(self: InterviewSession, saved: object) -> object:
        replayed.append(1)
        return original(self, saved)  # type: ignore[arg-type]

    monkeypatch.setattr(InterviewSession, "_replay", replay)
    InterviewSession.from_json(session.to_json())
    assert replayed == []
    again = InterviewSession.from_json(other.to_json())
    assert replayed == [1] and again.case_id == "another" and again.case == other.case
    with pytest.raises(SessionError):  # a damaged state is read, not taken from what is kept
        InterviewSession.from_json(session.to_json().replace('"version": 1', '"version": 7'))
