"""An interview session: the answers so far, and everything else derived from them.

The state is only (mode, setting, ordered answers). The case, the assessment and the next question
are pure functions of it, so undoing an answer, changing one, or saving and resuming gives exactly
the state reached by answering that way in the first place. Every change is checked in full before
it is kept: a bad answer or a bad file raises a clear error and leaves the session as it was.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.engine.compiled import CompiledKnowledge, default_compiled
from nervemap.engine.encode import CaseError, encode_case
from nervemap.interview.answers import AnswerError, Value, apply, normalise
from nervemap.interview.catalogue import Catalogue, Mode, Question, default_catalogue
from nervemap.interview.policy import PolicyConfig, Step, StopReason, next_step, why_for
from nervemap.knowledge.models import Setting

FORMAT = "nervemap-interview-session"
FORMAT_VERSION = 1


class SessionError(ValueError):
    """A saved session that cannot be read (corrupt, foreign or from an unsupported version)."""


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    question: str
    value: Any


class _SavedSession(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["nervemap-interview-session"]
    version: int
    mode: Literal["patient", "clinician"]
    setting: Setting
    case_id: str | None = None
    checkin: bool = False
    catalogue_version: str
    knowledge_version: str
    answers: list[_Answer]


class _State:
    """One immutable snapshot: answers and the case built from them."""

    def __init__(self, answers: tuple[tuple[str, Value], ...], case: Case) -> None:
        self.answers = answers
        self.case = case
        self.assessment: Assessment | None = None
        self.step: Step | None = None


class InterviewSession:
    def __init__(
        self,
        mode: Mode = "patient",
        setting: Setting = Setting.PRIMARY_CARE,
        case_id: str | None = None,
        *,
        catalogue: Catalogue | None = None,
        compiled: CompiledKnowledge | None = None,
        config: PolicyConfig | None = None,
        checkin: bool = False,
    ) -> None:
        """``checkin``: a follow-up check-in, where a clinician is asked the course measures too."""
        if mode not in ("patient", "clinician"):
            raise ValueError(f"mode must be patient or clinician, got {mode!r}")
        self.mode: Mode = mode
        self.setting = Setting(setting)
        self.case_id = case_id
        self.catalogue = catalogue or default_catalogue()
        self.compiled = compiled or default_compiled()
        self.config = config or PolicyConfig()
        self.checkin = checkin
        self._state = self._build(())

    # ------------------------------------------------------------------ state
    @property
    def answers(self) -> list[tuple[str, Value]]:
        """(question id, stored answer), in the order given."""
        return list(self._state.answers)

    @property
    def asked(self) -> list[str]:
        return [qid for qid, _ in self._state.answers]

    @property
    def case(self) -> Case:
        return self._state.case

    def question(self, question_id: str) -> Question:
        question = self.catalogue.by_id.get(question_id)
        if question is None:
            raise AnswerError(question_id, "no such question")
        if not question.asked_in(self.mode):
            raise AnswerError(question_id, f"not asked in {self.mode} mode (clinician-only)")
        return question

    def _build(self, answers: tuple[tuple[str, Value], ...], culprit: str = "-") -> _State:
        case = Case(id=self.case_id, setting=self.setting)
        for question_id, value in answers:
            case = apply(self.catalogue.by_id[question_id], value, case)
        case = Case.model_validate(case.model_dump())
        try:
            encode_case(case, self.compiled)
        except CaseError as error:
            raise AnswerError(culprit, f"conflicts with other answers ({error})") from None
        return _State(answers, case)

    def _checked(self, question_id: str, raw: Value) -> tuple[Question, Value]:
        question = self.question(question_id)
        return question, normalise(question, raw, self.compiled)

    # ------------------------------------------------------------------ answering
    def answer(self, question_id: str, value: Value) -> None:
        """Record an answer. Unknown question, repeated question or bad value: AnswerError."""
        question, stored = self._checked(question_id, value)
        if question.id in self.asked:
            raise AnswerError(question.id, "already answered; use change() to correct it")
        self._state = self._build((*self._state.answers, (question.id, stored)), question.id)

    def back(self) -> tuple[str, Value]:
        """Undo the last answer and return it."""
        if not self._state.answers:
            raise AnswerError("-", "nothing to undo: no question has been answered")
        last = self._state.answers[-1]
        self._state = self._build(self._state.answers[:-1])
        return last

    def change(self, question_id: str, value: Value) -> None:
        """Replace an earlier answer, keeping its place in the order."""
        question, stored = self._checked(question_id, value)
        if question.id not in self.asked:
            raise AnswerError(question.id, "not answered yet; use answer()")
        answers = tuple((qid, stored if qid == question.id else v) for qid, v in self._state.answers)
        self._state = self._build(answers, question.id)

    # ------------------------------------------------------------------ derived
    def current_assessment(self) -> Assessment:
        """The same Assessment ``nervemap assess`` gives for :attr:`case`."""
        if self._state.assessment is None:
            self._state.assessment = assess(self._state.case, self.compiled)
        return self._state.assessment

    def step(self) -> Step:
        state = self._state
        if state.step is None:
            state.step = next_step(
                self.catalogue,
                self.compiled,
                self.mode,
                self.asked,
                state.case,
                self.current_assessment(),
                self.config,
                checkin=self.checkin,
            )
        return state.step

    def next_question(self) -> Question | None:
        return self.step().question

    @property
    def finished(self) -> bool:
        return self.step().question is None

    @property
    def stop_reason(self) -> StopReason | None:
        return self.step().stop

    def why(self, question_id: str) -> str:
        """Plain reason for asking a question now."""
        question = self.question(question_id)
        step = self.step()
        if step.question is not None and step.question.id == question.id:
            return step.why
        return why_for(question, self.case, self.catalogue, self.compiled, self.mode, self.config)

    # ------------------------------------------------------------------ save and resume
    def to_json(self) -> str:
        saved = _SavedSession(
            format=FORMAT,
            version=FORMAT_VERSION,
            mode=self.mode,
            setting=self.setting,
            case_id=self.case_id,
            checkin=self.checkin,
            catalogue_version=self.catalogue.version,
            knowledge_version=self.compiled.knowledge.version,
            answers=[_Answer(question=q, value=v) for q, v in self._state.answers],
        )
        return saved.model_dump_json(indent=2)

    @classmethod
    def from_json(
        cls,
        text: str | bytes,
        *,
        catalogue: Catalogue | None = None,
        compiled: CompiledKnowledge | None = None,
        config: PolicyConfig | None = None,
    ) -> InterviewSession:
        saved = _read(text)
        session = cls(
            saved.mode,
            saved.setting,
            saved.case_id,
            catalogue=catalogue,
            compiled=compiled,
            config=config,
            checkin=saved.checkin,
        )
        session._state = session._replay(saved)
        return session

    def restore(self, text: str | bytes) -> None:
        """Replace this session's state with a saved one; on any error nothing changes."""
        saved = _read(text)
        if saved.mode != self.mode:
            raise SessionError(f"the saved session is in {saved.mode} mode, this one in {self.mode} mode")
        setting, case_id, checkin = self.setting, self.case_id, self.checkin
        self.setting, self.case_id, self.checkin = saved.setting, saved.case_id, saved.checkin
        try:
            state = self._replay(saved)
        except SessionError:
            self.setting, self.case_id, self.checkin = setting, case_id, checkin
            raise
        self._state = state

    def _replay(self, saved: _SavedSession) -> _State:
        answers: list[tuple[str, Value]] = []
        seen: set[str] = set()
        for i, item in enumerate(saved.answers):
            try:
                question, stored = self._checked(item.question, item.value)
            except AnswerError as error:
                raise SessionError(f"saved answer {i + 1}: {error}") from None
            if question.id in seen:
                raise SessionError(f"saved answer {i + 1}: question '{question.id}' answered twice")
            seen.add(question.id)
            answers.append((question.id, stored))
        try:
            return self._build(tuple(answers))
        except AnswerError as error:
            raise SessionError(f"saved answers do not fit together: {error}") from None


def _read(text: str | bytes) -> _SavedSession:
    try:
        payload = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SessionError(f"not a saved interview: not valid JSON ({error})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise SessionError("not a saved nervemap interview (no 'format': 'nervemap-interview-session')")
    if payload.get("version") != FORMAT_VERSION:
        raise SessionError(
            f"saved interview version {payload.get('version')!r} is not supported (expected {FORMAT_VERSION})"
        )
    try:
        return _SavedSession.model_validate(payload)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise SessionError(f"saved interview is damaged: {problems}") from None
