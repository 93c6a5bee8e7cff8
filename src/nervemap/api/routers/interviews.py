"""Interviews: an adaptive questionnaire kept on the server, one question at a time.

Patients start anonymously and get an unguessable session token (shown once, stored as a hash);
the token is the credential for every later call. A clinician-mode interview needs a clinician's
credentials to start, and the same clinician's credentials besides the token afterwards. Every
refused change (unknown question, out-of-range answer, expired or unknown token) is a problem and
leaves the saved state as it was.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Security
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field, StrictInt
from sqlalchemy.orm import Session

from nervemap.api.schemas import Body
from nervemap.engine.assessment import Assessment
from nervemap.engine.compiled import default_compiled
from nervemap.interview import AnswerError, InterviewSession, PolicyConfig, SessionError
from nervemap.interview.catalogue import Kind, Mode, Question
from nervemap.knowledge.models import Setting
from nervemap.server.auth import (
    ClinicianRead,
    ClinicianWrite,
    Permit,
    Principal,
    api_key_scheme,
    bearer_scheme,
    current_principal,
)
from nervemap.server.deps import SessionDep, SettingsDep, SignerDep
from nervemap.server.problems import PROBLEM_RESPONSES, FieldError, Problem, ProblemError
from nervemap.store.assessments import AssessmentRepository
from nervemap.store.audit import AuditLog
from nervemap.store.db import begin_read
from nervemap.store.interviews import InterviewRepository, InvitationRepository, service_user
from nervemap.store.models import AssessmentRecord, InterviewRecord, PatientLink, Role, Scope, SourceKind
from nervemap.store.types import utcnow

router = APIRouter(prefix="/v1/interviews", tags=["interviews"], responses=PROBLEM_RESPONSES)
INTERVIEW_EXPIRY = timedelta(hours=24)
UNKNOWN_LABEL = "I don't know"
TOKEN_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "Unknown or altered token"},
    409: {"model": Problem, "description": "The interview is finished"},
    410: {"model": Problem, "description": "Expired interview"},
}


# ------------------------------------------------------------------ bodies


class StartRequest(Body):
    mode: Literal["patient", "clinician"] = "patient"
    setting: Setting = Setting.PRIMARY_CARE
    invitation: str | None = Field(default=None, max_length=200, description="Token of an invitation link")


class AnswerRequest(Body):
    question: str = Field(max_length=64, description="The question id")
    value: Any = Field(description='The answer in the form its kind takes, or "unknown" (I don\'t know)')


class Choice(BaseModel):
    id: str
    text: str


class QuestionOut(BaseModel):
    id: str
    kind: Kind
    text: str
    why: str = Field(description="Why we ask this now")
    select: Literal["one", "many"] | None = None
    options: list[Choice] = Field(default_factory=list)
    items: list[Choice] = Field(default_factory=list, description="Movements or reflexes to grade")
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    target: Literal["pain_map", "sensation"] | None = None
    unknown_option: str = Field(default=UNKNOWN_LABEL, description='Send the value "unknown" for it')


class RedFlagOut(BaseModel):
    level: str
    reason: str
    patient_advice: str


class StepOut(BaseModel):
    finished: bool = Field(description="No more questions: the interview stopped")
    stop_reason: str | None = None
    question: QuestionOut | None = None
    answered: int
    progress: float = Field(ge=0, le=1, description="A rough share of the interview done")
    red_flag: RedFlagOut | None = Field(default=None, description="Set when a red flag stopped it")


class InterviewOut(BaseModel):
    id: uuid.UUID
    mode: Mode
    token: str | None = Field(default=None, description="Returned once, at the start")
    expires_at: datetime
    assessment_id: uuid.UUID | None = None
    step: StepOut


class FinishOut(BaseModel):
    assessment_id: uuid.UUID
    assessment: Assessment


# ------------------------------------------------------------------ service (used by the web pages too)


@dataclass
class OpenInterview:
    record: InterviewRecord
    session: InterviewSession


def question_out(interview: InterviewSession, question: Question, why: str) -> QuestionOut:
    mode = interview.mode
    knowledge = interview.compiled.knowledge.anatomy
    labels = {m.id: (m.patient_name if mode == "patient" else m.name) for m in knowledge.movements}
    labels.update({r.id: r.name for r in knowledge.reflexes})
    options = [
        Choice(id=o.id, text=o.patient if mode == "patient" else o.clinician) for o in question.options
    ]
    items = [Choice(id=i, text=labels.get(i, i)) for i in (*question.movements, *question.reflexes)]
    return QuestionOut(
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


FINISHED = "finished"  # stop_reason of an interview whose assessment is stored before it stopped


def step_out(interview: InterviewSession, stored: bool = False) -> StepOut:
    """The next step; none once the assessment is ``stored`` (finished interviews take no answers)."""
    step = interview.step()
    answered = len(interview.asked)
    question = question_out(interview, step.question, step.why) if step.question is not None else None
    stop_reason = step.stop.value if step.stop else None
    if stored and question is not None:
        question, stop_reason = None, FINISHED
    red_flag = None
    if step.stop is not None and step.stop.value == "red-flag":
        triage = interview.current_assessment().triage
        red_flag = RedFlagOut(
            level=triage.level.value, reason=triage.reason, patient_advice=triage.patient_advice
        )
    expected = interview.config.max_questions + 3
    progress = 1.0 if question is None else min(0.95, answered / max(expected, answered + 1))
    return StepOut(
        finished=question is None,
        stop_reason=stop_reason,
        question=question,
        answered=answered,
        progress=progress,
        red_flag=red_flag,
    )


def new_interview(
    db: Session,
    mode: Mode,
    setting: Setting = Setting.PRIMARY_CARE,
    owner: uuid.UUID | None = None,
    invitation: PatientLink | None = None,
    checkin: bool = False,
) -> tuple[InterviewRecord, str, InterviewSession]:
    interview = InterviewSession(
        mode, setting, config=PolicyConfig(), compiled=default_compiled(), checkin=checkin
    )
    issued = InterviewRepository(db).start(
        mode=mode,
        state_json=interview.to_json(),
        expires_at=utcnow() + INTERVIEW_EXPIRY,
        owner_id=owner,
        patient_link_id=invitation.id if invitation else None,
    )
    return issued.record, issued.token, interview


def token_problem(status: int, detail: str, reason: str, field: str = "path.token") -> ProblemError:
    kind = {404: "not-found", 410: "expired"}.get(status, "invalid")
    title = {404: "Not found", 410: "Interview expired"}.get(status, "Invalid")
    return ProblemError(status, kind, title, detail, [FieldError(field=field, reason=reason)])


def open_interview(db: Session, token: str, field: str = "path.token") -> OpenInterview:
    """The interview behind ``token``; 404 when unknown or altered, 410 when expired."""
    record = InterviewRepository(db).by_token(token)
    if record is None:
        raise token_problem(404, "no interview with this token", "unknown token", field)
    if record.expires_at <= utcnow():
        raise token_problem(410, "this interview has expired; please start again", "expired", field)
    try:
        interview = InterviewSession.from_json(_dump(record.state), compiled=default_compiled())
    except SessionError as error:
        raise ProblemError(
            409,
            "stale-interview",
            "Interview cannot be resumed",
            "the saved interview no longer fits the question catalogue; please start again",
            [FieldError(field=field, reason=str(error))],
        ) from None
    return OpenInterview(record, interview)


def _dump(state: dict[str, Any]) -> str:
    return json.dumps(state)


def _refuse_if_finished(opened: OpenInterview) -> None:
    if opened.record.assessment_id is not None:
        raise ProblemError(
            409,
            "finished",
            "Interview finished",
            "this interview is finished and its assessment stored; start a new one to change answers",
            [FieldError(field="path.token", reason="finished")],
        )


def answer_problem(error: AnswerError) -> ProblemError:
    reason = error.reason
    field = "body.question" if ("no such question" in reason or "not asked in" in reason) else "body.value"
    if "already answered" in reason:
        field = "body.question"
    return ProblemError(
        422, "validation", "Invalid answer", str(error), [FieldError(field=field, reason=reason)]
    )


def record_answer(db: Session, opened: OpenInterview, question_id: str, value: Any) -> None:
    """Check and keep one answer; on any error nothing changes."""
    _refuse_if_finished(opened)
    try:
        opened.session.answer(question_id, value)
    except AnswerError as error:
        raise answer_problem(error) from None
    InterviewRepository(db).save(opened.record, opened.session.to_json())


def go_back(db: Session, opened: OpenInterview) -> None:
    _refuse_if_finished(opened)
    try:
        opened.session.back()
    except AnswerError as error:
        raise ProblemError(
            409,
            "nothing-to-undo",
            "Nothing to undo",
            error.reason,
            [FieldError(field="path.token", reason=error.reason)],
        ) from None
    InterviewRepository(db).save(opened.record, opened.session.to_json())


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


def interview_out(opened: OpenInterview, token: str | None = None) -> InterviewOut:
    return InterviewOut(
        id=opened.record.id,
        mode=opened.session.mode,
        token=token,
        expires_at=opened.record.expires_at,
        assessment_id=opened.record.assessment_id,
        step=step_out(opened.session, stored=opened.record.assessment_id is not None),
    )


# ------------------------------------------------------------------ who may


def optional_principal(
    session: SessionDep,
    signer: SignerDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    api_key: Annotated[str | None, Security(api_key_scheme)],
) -> Principal | None:
    """The caller when credentials are given (and must then be valid), else None."""
    if bearer is None and api_key is None:
        return None
    return current_principal(session, signer, bearer, api_key)


OptionalPrincipal = Annotated[Principal | None, Security(optional_principal)]
_clinician_write = Permit({Role.CLINICIAN}, Scope.WRITE)


def _require_clinician(principal: Principal | None) -> Principal:
    if principal is None:
        raise ProblemError(
            401,
            "unauthorized",
            "Unauthorized",
            "a clinician-mode interview needs a clinician's credentials",
            [FieldError(field="header.Authorization", reason="no credentials given")],
            headers={"WWW-Authenticate": "Bearer"},
        )
    return _clinician_write(principal)


def _authorised(db: Session, token: str, principal: Principal | None) -> OpenInterview:
    opened = open_interview(db, token)
    if opened.record.owner_id is not None:
        caller = _require_clinician(principal)
        if caller.user_id != opened.record.owner_id:
            raise token_problem(404, "no interview with this token", "unknown token")
    return opened


def _actor(opened: OpenInterview, principal: Principal | None) -> str:
    return principal.actor if principal is not None else f"interview:{opened.record.id}"


# ------------------------------------------------------------------ routes


@router.post("", status_code=201, responses={**TOKEN_ERRORS})
def start_interview(body: StartRequest, db: SessionDep, principal: OptionalPrincipal) -> InterviewOut:
    """Start an interview. Patient mode needs no login; clinician mode needs a clinician."""
    owner = _require_clinician(principal).user_id if body.mode == "clinician" else None
    invitation = None
    if body.invitation is not None:
        invitation = InvitationRepository(db).by_token(body.invitation)
        if invitation is None:
            raise token_problem(404, "this invitation is not valid", "unknown invitation", "body.invitation")
        _refuse_unusable(InvitationRepository.unusable(invitation))
        if not InvitationRepository(db).use(invitation):  # used up by a start at the same moment
            _refuse_unusable("used")
    record, token, interview = new_interview(db, body.mode, body.setting, owner, invitation)
    opened = OpenInterview(record, interview)
    AuditLog(db).record(_actor(opened, principal), "interview.start", f"interview:{record.id}")
    db.commit()
    return interview_out(opened, token)


INVITATION_GONE = {
    "expired": "this invitation has expired",
    "used": "this invitation has been used already (it starts one interview); ask for a new one",
    "revoked": "this invitation was withdrawn by the clinic",
}


def _refuse_unusable(reason: str | None) -> None:
    if reason is not None:
        raise token_problem(410, INVITATION_GONE[reason], reason, "body.invitation")


@router.get("/{token}", responses={**TOKEN_ERRORS})
def get_interview(token: str, db: SessionDep, principal: OptionalPrincipal) -> InterviewOut:
    """The interview's state and its current question."""
    return interview_out(_authorised(db, token, principal))


@router.get("/{token}/question", responses={**TOKEN_ERRORS})
def current_question(token: str, db: SessionDep, principal: OptionalPrincipal) -> StepOut:
    """The next question with why we ask it (and the "I don't know" option), or why it stopped."""
    opened = _authorised(db, token, principal)
    return step_out(opened.session, stored=opened.record.assessment_id is not None)


@router.post("/{token}/answers", responses={**TOKEN_ERRORS})
def answer(token: str, body: AnswerRequest, db: SessionDep, principal: OptionalPrincipal) -> StepOut:
    """Record one answer; the reply is the next step."""
    opened = _authorised(db, token, principal)
    record_answer(db, opened, body.question, body.value)
    db.commit()
    return step_out(opened.session)


@router.post("/{token}/back", responses={**TOKEN_ERRORS})
def back(token: str, db: SessionDep, principal: OptionalPrincipal) -> StepOut:
    """Undo the last answer."""
    opened = _authorised(db, token, principal)
    go_back(db, opened)
    db.commit()
    return step_out(opened.session)


@router.get("/{token}/assessment", responses={**TOKEN_ERRORS})
def current_assessment(token: str, db: SessionDep, principal: OptionalPrincipal) -> Assessment:
    """The assessment of the answers so far (the same contract as /v1/assessments)."""
    return _authorised(db, token, principal).session.current_assessment()


@router.post("/{token}/finish", responses={**TOKEN_ERRORS})
def finish(token: str, db: SessionDep, principal: OptionalPrincipal) -> FinishOut:
    """Store the assessment (once: finishing again returns the same record)."""
    opened = _authorised(db, token, principal)
    record = finish_interview(db, opened, _actor(opened, principal))
    db.commit()
    return FinishOut(assessment_id=record.id, assessment=Assessment.model_validate(record.output))


class InvitationOut(BaseModel):
    id: uuid.UUID
    token: str = Field(description="Returned once")
    path: str = Field(description="The page the patient opens to start")
    expires_at: datetime
    max_uses: int | None = Field(default=1, description="Interviews it may start; null: any number")


class InvitationRequest(Body):
    expires_in_hours: float | None = Field(default=None, gt=0, le=24 * 90)
    max_uses: StrictInt | None = Field(
        default=None,
        ge=0,
        le=1000,
        description="Interviews the link may start (0: any number); default: setting invitation_max_uses",
    )


invitations = APIRouter(prefix="/v1/invitations", tags=["interviews"], responses=PROBLEM_RESPONSES)


@invitations.post("", status_code=201)
def create_invitation(
    body: InvitationRequest, principal: ClinicianWrite, db: SessionDep, settings: SettingsDep
) -> InvitationOut:
    """An expiring link that starts a patient interview (/start?link=TOKEN); the token is shown once."""
    hours = body.expires_in_hours or settings.link_expiry_hours
    uses = settings.invitation_max_uses if body.max_uses is None else body.max_uses
    link, token = InvitationRepository(db).issue(
        created_by=principal.user_id, expires_at=utcnow() + timedelta(hours=hours), max_uses=uses or None
    )
    AuditLog(db).record(principal.actor, "invitation.create", f"patient-link:{link.id}")
    db.commit()
    return InvitationOut(
        id=link.id,
        token=token,
        path=f"/start?link={token}",
        expires_at=link.expires_at,
        max_uses=link.max_uses,
    )


class InvitationSummary(BaseModel):
    id: uuid.UUID
    created_at: datetime
    expires_at: datetime
    max_uses: int | None = Field(description="null: any number")
    uses: int = Field(description="Interviews started from it")
    revoked_at: datetime | None
    usable: bool = Field(description="It would start an interview now")


@invitations.get("")
def list_invitations(principal: ClinicianRead, db: SessionDep) -> list[InvitationSummary]:
    """Your invitations, newest first (at most 200), to find one to revoke. Tokens are never shown."""
    begin_read(db)
    found = [
        InvitationSummary(
            id=link.id,
            created_at=link.created_at,
            expires_at=link.expires_at,
            max_uses=link.max_uses,
            uses=link.uses or 0,
            revoked_at=link.revoked_at,
            usable=InvitationRepository.unusable(link) is None,
        )
        for link in InvitationRepository(db).created_by(principal.user_id)
    ]
    db.commit()
    return found


@invitations.post(
    "/{invitation_id}/revoke",
    status_code=204,
    responses={404: {"model": Problem, "description": "No such link"}},
)
def revoke_invitation(invitation_id: uuid.UUID, principal: ClinicianWrite, db: SessionDep) -> None:
    """Withdraw an invitation: it starts no more interviews (410). Interviews already started go on."""
    links = InvitationRepository(db)
    link = links.get(invitation_id)
    if link is None:
        raise token_problem(404, "no invitation with this id", "unknown invitation", "path.invitation_id")
    if links.revoke(link):
        AuditLog(db).record(principal.actor, "invitation.revoke", f"patient-link:{link.id}")
    db.commit()
