"""Interviews (issue 17): start, open, answer, change, go back and finish an interview kept on the
server, and what its current step shows.

Shared by the API (``api/routers/interviews.py``) and the web pages (``web/patient.py``,
``web/clinic.py``, ``web/episodes.py``). Refusals are domain errors (``services.errors``), never
HTTP types: an unknown or altered token :class:`NotFound`, an expired one :class:`Expired`, a saved
interview that no longer fits the catalogue, a finished one or nothing to undo :class:`Conflict`,
a bad answer :class:`Invalid` naming the part at fault (``body.question`` or ``body.value``).
Every refused change leaves the saved state as it was. The caller commits.

Each saved state is kept with its computed step (issue 16: the next question and why, see
``InterviewSession.saved_step``), so reading an interview shows that step without replaying the
answers and ranking every open question again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from sqlalchemy.orm import Session

from nervemap.engine.compiled import CompiledKnowledge, default_compiled
from nervemap.interview import AnswerError, InterviewSession, PolicyConfig, SessionError, Step
from nervemap.interview.catalogue import Kind, Mode, Question, QuestionKind, catalogue_for
from nervemap.interview.session import restore_step, step_key
from nervemap.knowledge.models import Setting
from nervemap.services.errors import Conflict, Expired, Invalid, NotFound
from nervemap.store.assessments import AssessmentRepository
from nervemap.store.audit import AuditLog
from nervemap.store.interviews import InterviewRepository, service_user
from nervemap.store.models import AssessmentRecord, InterviewRecord, PatientLink, SourceKind
from nervemap.store.types import utcnow

INTERVIEW_EXPIRY = timedelta(hours=24)
UNKNOWN_LABEL = "I don't know"
FINISHED = "finished"  # stop_reason of an interview whose assessment is stored before it stopped
TOKEN = "path.token"


# ------------------------------------------------------------------ what a step shows


@dataclass(frozen=True)
class Choice:
    id: str
    text: str


@dataclass(frozen=True)
class QuestionView:
    """A question as asked now, in the interview's mode, with why it is asked."""

    id: str
    kind: QuestionKind
    text: str
    why: str
    select: Literal["one", "many"] | None = None
    options: list[Choice] = field(default_factory=list)
    items: list[Choice] = field(default_factory=list)  # movements or reflexes to grade
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    target: Literal["pain_map", "sensation"] | None = None
    unknown_option: str = UNKNOWN_LABEL  # the value "unknown" answers it


@dataclass(frozen=True)
class RedFlagView:
    level: str
    reason: str
    patient_advice: str


@dataclass(frozen=True)
class StepView:
    finished: bool  # no more questions: the interview stopped
    stop_reason: str | None
    question: QuestionView | None
    answered: int
    progress: float  # a rough share of the interview done
    red_flag: RedFlagView | None  # set when a red flag stopped it


def question_view(
    mode: Mode, question: Question, why: str, compiled: CompiledKnowledge | None = None
) -> QuestionView:
    anatomy = (compiled or default_compiled()).knowledge.anatomy
    labels = {m.id: (m.patient_name if mode == "patient" else m.name) for m in anatomy.movements}
    labels.update({r.id: r.name for r in anatomy.reflexes})
    options = [
        Choice(id=o.id, text=o.patient if mode == "patient" else o.clinician) for o in question.options
    ]
    items = [Choice(id=i, text=labels.get(i, i)) for i in (*question.movements, *question.reflexes)]
    return QuestionView(
        id=question.id,
        kind=question.kind,
        text=question.text(mode),
        why=why,
        select=question.select if question.kind == Kind.MULTI_CHOICE else None,
        options=options,
        items=items,
        unit=question.unit,
        minimum=question.minimum,
        maximum=question.maximum,
        target=question.target,
    )


def asked_view(session: InterviewSession, question_id: str, why: bool = True) -> QuestionView:
    """A question of ``session`` (current or answered earlier), with its reason now unless ``why``
    is False. An unknown question or one not asked in this mode: :class:`Invalid`."""
    try:
        question = session.question(question_id)
        reason = session.why(question_id) if why else ""
    except AnswerError as error:
        raise _invalid_answer(error) from None
    return question_view(session.mode, question, reason, session.compiled)


def _step_view(
    mode: Mode,
    step: Step,
    red_flag: dict[str, str] | None,
    answered: int,
    stored: bool,
    config: PolicyConfig,
    compiled: CompiledKnowledge | None = None,
) -> StepView:
    question = question_view(mode, step.question, step.why, compiled) if step.question is not None else None
    stop_reason = step.stop.value if step.stop else None
    if stored and question is not None:
        question, stop_reason = None, FINISHED
    flag = RedFlagView(**red_flag) if red_flag is not None and step.stop is not None else None
    expected = config.max_questions + 3
    progress = 1.0 if question is None else min(0.95, answered / max(expected, answered + 1))
    return StepView(
        finished=question is None,
        stop_reason=stop_reason,
        question=question,
        answered=answered,
        progress=progress,
        red_flag=flag,
    )


def session_step(session: InterviewSession, stored: bool = False) -> StepView:
    """The next step of ``session``; none once the assessment is ``stored`` (a finished interview
    takes no answers)."""
    step = session.step()
    return _step_view(
        session.mode, step, session.red_flag(), len(session.asked), stored, session.config, session.compiled
    )


# ------------------------------------------------------------------ an open interview


class OpenInterview:
    """An interview reached by its token: the stored record, and the session replayed from it when
    first needed (a read of the current step needs only the stored step). ``compiled``: the knowledge
    base the app was built with (default: the packaged one)."""

    def __init__(
        self,
        record: InterviewRecord,
        session: InterviewSession | None = None,
        restored: tuple[Step, dict[str, str] | None] | None = None,
        compiled: CompiledKnowledge | None = None,
        key: str | None = None,
    ) -> None:
        """``key``: the stored state's ``step_key`` (default catalogue and policy), when made."""
        self.record = record
        self._session = session
        self._restored = restored
        self._key = key
        self.compiled = compiled or (session.compiled if session is not None else default_compiled())

    @property
    def session(self) -> InterviewSession:
        if self._session is None:
            self._session = _replay(self.record, compiled=self.compiled, key=self._key)
        return self._session

    def step(self) -> StepView:
        """The current step (from the stored step while the session is not replayed)."""
        stored = self.record.assessment_id is not None
        if self._session is None and self._restored is not None:
            step, red_flag = self._restored
            answers = len(self.record.state.get("answers", []))
            mode: Mode = "patient" if self.record.mode == "patient" else "clinician"
            return _step_view(mode, step, red_flag, answers, stored, PolicyConfig(), self.compiled)
        return session_step(self.session, stored)


def _replay(
    record: InterviewRecord,
    field_name: str = TOKEN,
    compiled: CompiledKnowledge | None = None,
    key: str | None = None,
) -> InterviewSession:
    """The session of ``record``: its state as this process last saved it when it still keeps it
    (``InterviewSession.from_saved``), else its answers replayed. ``key``: the state's step key."""
    try:
        return InterviewSession.from_saved(
            record.state, compiled=compiled or default_compiled(), step=record.step, key=key
        )
    except SessionError as error:
        raise Conflict(
            "the saved interview no longer fits the question catalogue; please start again",
            [(field_name, str(error))],
            kind="stale-interview",
            title="Interview cannot be resumed",
        ) from None


def _save(db: Session, opened: OpenInterview) -> None:
    session = opened.session
    InterviewRepository(db).save(opened.record, session.to_json(), session.saved_step())


def new_interview(
    db: Session,
    mode: Mode,
    setting: Setting = Setting.PRIMARY_CARE,
    owner: uuid.UUID | None = None,
    invitation: PatientLink | None = None,
    checkin: bool = False,
    *,
    audit: bool = False,
    actor: str | None = None,
    compiled: CompiledKnowledge | None = None,
) -> tuple[InterviewRecord, str, InterviewSession]:
    """A new interview: its record, its token (shown once) and its session. ``audit``: record the
    start in the audit trail, by ``actor`` (default the interview itself, for a patient's).
    ``compiled``: the knowledge base the app was built with (default: the packaged one)."""
    interview = InterviewSession(
        mode, setting, config=PolicyConfig(), compiled=compiled or default_compiled(), checkin=checkin
    )
    issued = InterviewRepository(db).start(
        mode=mode,
        state_json=interview.to_json(),
        expires_at=utcnow() + INTERVIEW_EXPIRY,
        owner_id=owner,
        patient_link_id=invitation.id if invitation else None,
        step=interview.saved_step(),
    )
    record = issued.record
    if audit:
        AuditLog(db).record(actor or f"interview:{record.id}", "interview.start", f"interview:{record.id}")
    return record, issued.token, interview


def copy_interview(
    db: Session, opened: OpenInterview, invitation: PatientLink | None = None
) -> tuple[InterviewRecord, str]:
    """A new interview holding ``opened``'s answers (to change one after its result was stored: the
    stored result stays as it was); audited as a reopening by the new interview."""
    session = opened.session
    copy, token, _ = new_interview(
        db, session.mode, session.setting, opened.record.owner_id, invitation, compiled=session.compiled
    )
    InterviewRepository(db).save(copy, session.to_json(), session.saved_step())
    AuditLog(db).record(f"interview:{copy.id}", "interview.reopen", f"interview:{opened.record.id}")
    return copy, token


def open_interview(
    db: Session, token: str, field_name: str = TOKEN, compiled: CompiledKnowledge | None = None
) -> OpenInterview:
    """The interview behind ``token``: :class:`NotFound` when unknown or altered, :class:`Expired`
    when expired, :class:`Conflict` (stale-interview) when its answers no longer fit the catalogue.
    ``compiled``: the knowledge base the app was built with (default: the packaged one)."""
    compiled = compiled or default_compiled()
    record = InterviewRepository(db).by_token(token)
    if record is None:
        raise token_not_found(field_name)
    if record.expires_at <= utcnow():
        raise Expired(
            "this interview has expired; please start again",
            [(field_name, "expired")],
            title="Interview expired",
        )
    # A stored step saved for exactly this state, catalogue and knowledge base vouches for the
    # answers (they were checked against them when saved): no replay needed to read it.
    catalogue, config = catalogue_for(compiled), PolicyConfig()
    key = step_key(record.state, catalogue, compiled, config)
    restored = restore_step(record.step, record.state, catalogue, compiled, config, key)
    if restored is None:
        return OpenInterview(record, _replay(record, field_name, compiled, key), compiled=compiled, key=key)
    return OpenInterview(record, restored=restored, compiled=compiled, key=key)


def token_not_found(field_name: str = TOKEN) -> NotFound:
    return NotFound("no interview with this token", [(field_name, "unknown token")])


def _refuse_if_finished(opened: OpenInterview) -> None:
    if opened.record.assessment_id is not None:
        raise Conflict(
            "this interview is finished and its assessment stored; start a new one to change answers",
            [(TOKEN, "finished")],
            kind="finished",
            title="Interview finished",
        )


def _invalid_answer(error: AnswerError) -> Invalid:
    return Invalid(f"body.{error.part}", error.reason, str(error), title="Invalid answer")


def record_answer(db: Session, opened: OpenInterview, question_id: str, value: Any) -> None:
    """Check and keep one answer; on any error nothing changes."""
    _refuse_if_finished(opened)
    try:
        opened.session.answer(question_id, value)
    except AnswerError as error:
        raise _invalid_answer(error) from None
    _save(db, opened)


def change_answer(db: Session, opened: OpenInterview, question_id: str, value: Any, actor: str) -> None:
    """Replace an earlier answer (its place in the order kept); on any error nothing changes."""
    try:
        opened.session.change(question_id, value)
    except AnswerError as error:
        raise _invalid_answer(error) from None
    _save(db, opened)
    AuditLog(db).record(actor, "interview.change", f"interview:{opened.record.id}")


def go_back(db: Session, opened: OpenInterview) -> None:
    """Undo the last answer."""
    _refuse_if_finished(opened)
    try:
        opened.session.back()
    except AnswerError as error:
        raise Conflict(
            error.reason, [(TOKEN, error.reason)], kind="nothing-to-undo", title="Nothing to undo"
        ) from None
    _save(db, opened)


def finish_interview(db: Session, opened: OpenInterview, actor: str) -> AssessmentRecord:
    """Store the current assessment once; later calls return the same record."""
    repository = AssessmentRepository(db)
    if opened.record.assessment_id is not None:
        existing = repository.get(opened.record.assessment_id)
        if existing is not None:
            return existing
    creator = opened.record.owner_id or service_user(db).id
    case = opened.session.case
    record = repository.add(
        created_by=creator,
        source_kind=SourceKind.STRUCTURED,
        input=case.model_dump(mode="json", exclude_none=True),
        assessment=opened.session.current_assessment(),
    )
    InterviewRepository(db).finish(opened.record, record.id)
    AuditLog(db).record(actor, "interview.finish", f"assessment:{record.id}")
    return record


__all__ = [
    "FINISHED",
    "INTERVIEW_EXPIRY",
    "UNKNOWN_LABEL",
    "Choice",
    "OpenInterview",
    "QuestionView",
    "RedFlagView",
    "StepView",
    "asked_view",
    "change_answer",
    "copy_interview",
    "finish_interview",
    "go_back",
    "new_interview",
    "open_interview",
    "question_view",
    "record_answer",
    "session_step",
    "token_not_found",
]
