"""Interviews: an adaptive questionnaire kept on the server, one question at a time.

Patients start anonymously and get an unguessable session token (shown once, stored as a hash);
the token is the credential for every later call. A clinician-mode interview needs a clinician's
credentials to start, and the same clinician's credentials besides the token afterwards. Every
refused change (unknown question, out-of-range answer, expired or unknown token) is a problem and
leaves the saved state as it was.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Security
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field, StrictInt

from nervemap.api.schemas import Body
from nervemap.engine.assessment import Assessment
from nervemap.engine.compiled import CompiledKnowledge
from nervemap.interview.catalogue import Mode, QuestionKind
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
from nervemap.server.deps import KnowledgeDep, SessionDep, SettingsDep, SignerDep
from nervemap.server.problems import PROBLEM_RESPONSES, FieldError, Problem, ProblemError
from nervemap.services import accounts
from nervemap.services import interviews as service
from nervemap.services.accounts import Role, Scope
from nervemap.services.interviews import UNKNOWN_LABEL, OpenInterview, StepView

router = APIRouter(prefix="/v1/interviews", tags=["interviews"], responses=PROBLEM_RESPONSES)
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
    kind: QuestionKind
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


# ------------------------------------------------------------------ views of the service's steps


def step_out(view: StepView) -> StepOut:
    return StepOut.model_validate(view, from_attributes=True)


def interview_out(opened: OpenInterview, token: str | None = None) -> InterviewOut:
    return InterviewOut(
        id=opened.record.id,
        mode=_mode(opened),
        token=token,
        expires_at=opened.record.expires_at,
        assessment_id=opened.record.assessment_id,
        step=step_out(opened.step()),
    )


def _mode(opened: OpenInterview) -> Mode:
    return "patient" if opened.record.mode == "patient" else "clinician"


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
# The OpenAPI document says so: the empty requirement ({}) next to the bearer token and the API key
# (FastAPI lists the schemes of an optional dependency as if one were required; issue 18).
LOGIN_OPTIONAL: dict[str, Any] = {"security": [{}]}
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


def _authorised(
    db: SessionDep, token: str, principal: Principal | None, knowledge: CompiledKnowledge
) -> OpenInterview:
    opened = service.open_interview(db, token, compiled=knowledge)
    if opened.record.owner_id is not None:
        caller = _require_clinician(principal)
        if caller.user_id != opened.record.owner_id:
            raise service.token_not_found()
    return opened


def _actor(opened: OpenInterview, principal: Principal | None) -> str:
    return principal.actor if principal is not None else f"interview:{opened.record.id}"


# ------------------------------------------------------------------ routes


@router.post("", status_code=201, responses={**TOKEN_ERRORS}, openapi_extra=LOGIN_OPTIONAL)
def start_interview(
    body: StartRequest, db: SessionDep, principal: OptionalPrincipal, knowledge: KnowledgeDep
) -> InterviewOut:
    """Start an interview. Patient mode needs no login; clinician mode needs a clinician."""
    owner = _require_clinician(principal).user_id if body.mode == "clinician" else None
    # an unknown invitation is a 404, an expired, used-up or withdrawn one a 410 (InvitationGone)
    invitation = accounts.use_invitation(db, body.invitation) if body.invitation is not None else None
    actor = principal.actor if principal is not None else None
    record, token, interview = service.new_interview(
        db, body.mode, body.setting, owner, invitation, audit=True, actor=actor, compiled=knowledge
    )
    opened = OpenInterview(record, interview)
    db.commit()
    return interview_out(opened, token)


@router.get("/{token}", responses={**TOKEN_ERRORS}, openapi_extra=LOGIN_OPTIONAL)
def get_interview(
    token: str, db: SessionDep, principal: OptionalPrincipal, knowledge: KnowledgeDep
) -> InterviewOut:
    """The interview's state and its current question."""
    return interview_out(_authorised(db, token, principal, knowledge))


@router.get("/{token}/question", responses={**TOKEN_ERRORS}, openapi_extra=LOGIN_OPTIONAL)
def current_question(
    token: str, db: SessionDep, principal: OptionalPrincipal, knowledge: KnowledgeDep
) -> StepOut:
    """The next question with why we ask it (and the "I don't know" option), or why it stopped."""
    return step_out(_authorised(db, token, principal, knowledge).step())


@router.post("/{token}/answers", responses={**TOKEN_ERRORS}, openapi_extra=LOGIN_OPTIONAL)
def answer(
    token: str, body: AnswerRequest, db: SessionDep, principal: OptionalPrincipal, knowledge: KnowledgeDep
) -> StepOut:
    """Record one answer; the reply is the next step."""
    opened = _authorised(db, token, principal, knowledge)
    service.record_answer(db, opened, body.question, body.value)
    db.commit()
    return step_out(opened.step())


@router.post("/{token}/back", responses={**TOKEN_ERRORS}, openapi_extra=LOGIN_OPTIONAL)
def back(token: str, db: SessionDep, principal: OptionalPrincipal, knowledge: KnowledgeDep) -> StepOut:
    """Undo the last answer."""
    opened = _authorised(db, token, principal, knowledge)
    service.go_back(db, opened)
    db.commit()
    return step_out(opened.step())


@router.get("/{token}/assessment", responses={**TOKEN_ERRORS}, openapi_extra=LOGIN_OPTIONAL)
def current_assessment(
    token: str, db: SessionDep, principal: OptionalPrincipal, knowledge: KnowledgeDep
) -> Assessment:
    """The assessment of the answers so far (the same contract as /v1/assessments)."""
    return _authorised(db, token, principal, knowledge).session.current_assessment()


@router.post("/{token}/finish", responses={**TOKEN_ERRORS}, openapi_extra=LOGIN_OPTIONAL)
def finish(token: str, db: SessionDep, principal: OptionalPrincipal, knowledge: KnowledgeDep) -> FinishOut:
    """Store the assessment (once: finishing again returns the same record)."""
    opened = _authorised(db, token, principal, knowledge)
    record = service.finish_interview(db, opened, _actor(opened, principal))
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
    link, token = accounts.issue_invitation(
        db, created_by=principal.user_id, actor=principal.actor, hours=hours, max_uses=uses or None
    )
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
    return [
        InvitationSummary(
            id=link.id,
            created_at=link.created_at,
            expires_at=link.expires_at,
            max_uses=link.max_uses,
            uses=link.uses or 0,
            revoked_at=link.revoked_at,
            usable=usable,
        )
        for link, usable in accounts.list_invitations(db, principal.user_id)
    ]


@invitations.post(
    "/{invitation_id}/revoke",
    status_code=204,
    responses={404: {"model": Problem, "description": "No such link"}},
)
def revoke_invitation(invitation_id: uuid.UUID, principal: ClinicianWrite, db: SessionDep) -> None:
    """Withdraw an invitation: it starts no more interviews (410). Interviews already started go on."""
    accounts.revoke_invitation(db, invitation_id, actor=principal.actor)
