"""Follow-up episodes (issue 19): an assessment starts one; check-ins follow; reminders wait in an outbox.

The work is done by ``nervemap.services.episodes`` (shared with the web pages and the CLI); this
module turns HTTP into calls; ``server/problems.py`` turns their errors into problem details naming the field.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, Header, Query, Response

from nervemap.api.routers.assessments import summary as assessment_summary
from nervemap.api.schemas import (
    AssessmentInput,
    CheckinCreated,
    CheckinOut,
    DateTimeQuery,
    EpisodeCreate,
    EpisodeLinkCreate,
    EpisodeLinkOut,
    EpisodeOut,
    EpisodePage,
    EpisodeReviewRequest,
    EpisodeSummary,
    OutboxMessageOut,
    OutboxPage,
    PatientCheckinOut,
    PatientEpisodeView,
    Review,
    ScheduleRequest,
    TextInput,
    VoidRequest,
)
from nervemap.engine.case import Case
from nervemap.followup import Escalation
from nervemap.knowledge.models import TriageLevel
from nervemap.presentation.plain import URGENCY
from nervemap.server.auth import ClinicianRead, ClinicianWrite, Permit, Principal
from nervemap.server.deps import KnowledgeDep, SessionDep
from nervemap.server.problems import PROBLEM_RESPONSES, Problem
from nervemap.services import episodes as service
from nervemap.services.accounts import Role, Scope
from nervemap.services.episodes import Episode, EpisodeCheckin, EpisodeLink, EpisodeStatus, OutboxMessage

router = APIRouter(prefix="/v1/episodes", tags=["episodes"], responses=PROBLEM_RESPONSES)
patient = APIRouter(prefix="/v1/episode-links", tags=["episodes"], responses=PROBLEM_RESPONSES)
outbox = APIRouter(prefix="/v1/outbox", tags=["outbox"], responses=PROBLEM_RESPONSES)
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "Unknown id"}}
CONFLICT: dict[int | str, dict[str, Any]] = {409: {"model": Problem, "description": "Closed or already used"}}
LINK_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "Unknown or altered link"},
    410: {"model": Problem, "description": "Expired or revoked link, or closed episode"},
}
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="Retries with the same key return the first check-in; nothing is stored twice",
    ),
]
REPLAYED = "Idempotent-Replayed"
OutboxCaller = Annotated[Principal, Depends(Permit({Role.ADMIN}, Scope.OUTBOX))]


def install(app: FastAPI) -> None:
    """Mount the routes (their errors are mapped with every service's in ``server/problems.py``)."""
    for part in (router, patient, outbox):
        app.include_router(part)


# ------------------------------------------------------------------ shaping


def checkin_out(checkin: EpisodeCheckin) -> CheckinOut:
    return CheckinOut(
        id=checkin.id,
        assessment_id=checkin.assessment_id,
        at=checkin.at,
        source="patient" if checkin.source == "patient" else "clinician",
        triage_level=checkin.triage_level,
        measures=service.stored_measures(checkin.measures) if checkin.measures else None,
        escalations=[service.stored_escalation(e) for e in checkin.escalations],
        reviewed_at=checkin.reviewed_at,
        reviewed_by=checkin.reviewed_by,
        voided_at=checkin.voided_at,
        voided_by=checkin.voided_by,
        void_reason=checkin.void_reason,
    )


def _summary_fields(episode: Episode, escalations: list[Escalation] | None = None) -> dict[str, Any]:
    review = None
    if episode.reviewed_by is not None and episode.reviewed_at is not None:
        review = Review(
            comment=episode.review_comment or "",
            reviewed_by=episode.reviewed_by,
            reviewed_at=episode.reviewed_at,
        )
    return dict(
        id=episode.id,
        created_at=episode.created_at,
        updated_at=episode.updated_at,
        created_by=episode.created_by,
        first_assessment_id=episode.first_assessment_id,
        status=episode.status,
        triage_level=episode.triage_level,
        needs_clinician_review=episode.needs_clinician_review,
        overall=episode.overall,
        next_due_at=episode.next_due_at,
        knowledge_version=episode.knowledge_version,
        nervemap_version=episode.nervemap_version,
        review=review,
        closed_at=episode.closed_at,
        patient_ref=episode.patient_ref,
        open_escalations=escalations or [],
    )


def episode_summary(episode: Episode, escalations: list[Escalation] | None = None) -> EpisodeSummary:
    return EpisodeSummary(**_summary_fields(episode, escalations))


def episode_out(view: service.EpisodeView) -> EpisodeOut:
    episode = view.episode
    return EpisodeOut(
        **_summary_fields(episode, service.unreviewed(view.checkins)),
        schedule=view.schedule,
        schedule_edited_by=episode.schedule_edited_by,
        schedule_edited_at=episode.schedule_edited_at,
        course=view.course,
        checkins=[checkin_out(c) for c in view.checkins],
        voided_checkins=[checkin_out(c) for c in view.voided],
    )


HOW = {
    "improving": "You are getting better since your last check-in.",
    "unchanged": "Things are about the same as at your last check-in.",
    "worsening": "Some things are worse than at your last check-in; your clinician will look at this.",
    "first check-in": "This is the start of your follow-up.",
}


def patient_episode(view: service.EpisodeView, latest_advice: str = "") -> PatientEpisodeView:
    episode = view.episode
    level = episode.triage_level
    advice = [e.patient_text for e in view.course.escalations]
    if latest_advice and latest_advice not in advice:
        advice.append(latest_advice)
    return PatientEpisodeView(
        status=EpisodeStatus(episode.status).value,
        started_at=view.checkins[0].at,
        checkins=len(view.checkins),
        last_checkin_at=view.checkins[-1].at,
        how_you_are_doing=HOW.get(episode.overall, episode.overall),
        urgency=URGENCY.get(level, level),
        advice=advice,
        next_checkin_due_at=episode.next_due_at,
    )


def outbox_out(message: OutboxMessage) -> OutboxMessageOut:
    return OutboxMessageOut(
        id=message.id,
        episode_id=message.episode_id,
        kind=message.kind,
        due_at=message.due_at,
        payload=message.payload,
        created_at=message.created_at,
        delivered_at=message.delivered_at,
    )


# ------------------------------------------------------------------ clinicians


@router.post("", status_code=201, responses={**NOT_FOUND, **CONFLICT})
def start_episode(
    body: EpisodeCreate, principal: ClinicianWrite, db: SessionDep, knowledge: KnowledgeDep
) -> EpisodeOut:
    """Start an episode from a stored assessment (its first check-in); the check-ins are planned."""
    view = service.start_episode(
        db,
        assessment_id=body.assessment_id,
        user_id=principal.user_id,
        actor=principal.actor,
        patient_ref=body.patient_ref,
        compiled=knowledge,
    )
    return episode_out(view)


@router.get("")
def list_episodes(
    principal: ClinicianRead,
    db: SessionDep,
    status: EpisodeStatus | None = None,
    due: Annotated[bool, Query(description="Only those with a planned check-in due now")] = False,
    overdue: Annotated[bool, Query(description="Only those with a check-in a week or more late")] = False,
    escalated: Annotated[bool, Query(description="Only those waiting for a clinician's review")] = False,
    triage: TriageLevel | None = None,
    assessment_id: Annotated[
        uuid.UUID | None, Query(description="Only the episode holding this assessment (start or check-in)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> EpisodePage:
    """Waiting for review first (the most urgent first), then by the next due check-in."""
    where = service.ListFilter(
        status=status,
        due=due,
        overdue=overdue,
        escalated=escalated,
        triage=triage,
        assessment_id=assessment_id,
    )
    rows, total = service.list_episodes(db, actor=principal.actor, where=where, limit=limit, offset=offset)
    why = service.open_escalations(db, [r.id for r in rows])
    items = [episode_summary(r, why.get(r.id)) for r in rows]
    return EpisodePage(items=items, total=total, limit=limit, offset=offset)


@router.get("/{episode_id}", responses={**NOT_FOUND})
def get_episode(
    episode_id: uuid.UUID, principal: ClinicianRead, db: SessionDep, knowledge: KnowledgeDep
) -> EpisodeOut:
    """The episode: course, schedule and check-ins."""
    return episode_out(service.get_episode(db, episode_id, actor=principal.actor, compiled=knowledge))


@router.get("/{episode_id}/checkins", responses={**NOT_FOUND})
def list_checkins(
    episode_id: uuid.UUID, principal: ClinicianRead, db: SessionDep, knowledge: KnowledgeDep
) -> list[CheckinOut]:
    """The check-ins, oldest first (the first is the assessment that started the episode)."""
    view = service.list_checkins(db, episode_id, actor=principal.actor, compiled=knowledge)
    return [checkin_out(c) for c in view.checkins]


@router.post("/{episode_id}/checkins", status_code=201, responses={**NOT_FOUND, **CONFLICT})
def add_checkin(
    episode_id: uuid.UUID,
    payload: Annotated[AssessmentInput, Body(description='A Case, or {"text": ...} to read a note')],
    principal: ClinicianWrite,
    db: SessionDep,
    knowledge: KnowledgeDep,
    response: Response,
    at: Annotated[
        DateTimeQuery | None,
        Query(description="When it was made, if not now (UTC if no zone); after the latest check-in"),
    ] = None,
    idempotency_key: IdempotencyKey = None,
) -> CheckinCreated:
    """A clinician's check-in: assessed and stored like POST /v1/assessments, then the course is read again.

    The episode's triage rises with each escalation rule that fires and does not fall below an
    open urgent or emergency level until a clinician reviews the episode.
    """
    if isinstance(payload, TextInput):
        kwargs: dict[str, Any] = {"text": payload.text, "setting": payload.setting}
    else:
        kwargs = {"case": payload}
    result = service.add_checkin(
        db,
        episode_id,
        source="clinician",
        user_id=principal.user_id,
        actor=principal.actor,
        at=at,
        idempotency_key=idempotency_key,
        compiled=knowledge,
        **kwargs,
    )
    if result.replayed:
        response.headers[REPLAYED] = "true"
    return CheckinCreated(
        checkin=checkin_out(result.checkin),
        assessment=assessment_summary(result.assessment),
        escalations=result.escalations,
        episode=episode_out(result.view),
    )


@router.post("/{episode_id}/checkins/{checkin_id}/void", responses={**NOT_FOUND, **CONFLICT})
def void_checkin(
    episode_id: uuid.UUID,
    checkin_id: uuid.UUID,
    body: VoidRequest,
    principal: ClinicianWrite,
    db: SessionDep,
    knowledge: KnowledgeDep,
) -> EpisodeOut:
    """A check-in entered in error: kept with who, when and why, no longer read into the course.

    The starting assessment cannot be voided (close the episode instead).
    """
    view = service.void_checkin(
        db,
        episode_id,
        checkin_id,
        reason=body.reason,
        user_id=principal.user_id,
        actor=principal.actor,
        compiled=knowledge,
    )
    return episode_out(view)


@router.patch("/{episode_id}/schedule", responses={**NOT_FOUND, **CONFLICT})
def edit_schedule(
    episode_id: uuid.UUID,
    body: ScheduleRequest,
    principal: ClinicianWrite,
    db: SessionDep,
    knowledge: KnowledgeDep,
) -> EpisodeOut:
    """Replace the planned check-ins (weeks after the start), or go back to the guideline plan with
    ``{"reset": true}``; the reminders follow."""
    items = None if body.reset else body.items
    view = service.edit_schedule(
        db, episode_id, items, user_id=principal.user_id, actor=principal.actor, compiled=knowledge
    )
    return episode_out(view)


@router.post("/{episode_id}/review", responses={**NOT_FOUND})
def review_episode(
    episode_id: uuid.UUID,
    body: EpisodeReviewRequest,
    principal: ClinicianWrite,
    db: SessionDep,
    knowledge: KnowledgeDep,
) -> EpisodeOut:
    """A clinician acknowledges the episode: escalations seen; the latest check-in counts as reviewed."""
    view = service.review_episode(
        db,
        episode_id,
        comment=body.comment,
        user_id=principal.user_id,
        actor=principal.actor,
        compiled=knowledge,
    )
    return episode_out(view)


@router.post("/{episode_id}/close", responses={**NOT_FOUND, **CONFLICT})
def close_episode(
    episode_id: uuid.UUID, principal: ClinicianWrite, db: SessionDep, knowledge: KnowledgeDep
) -> EpisodeOut:
    """Close the episode: no more check-ins; reminders cancelled; patient links revoked."""
    return episode_out(
        service.close_episode(
            db, episode_id, user_id=principal.user_id, actor=principal.actor, compiled=knowledge
        )
    )


@router.post("/{episode_id}/links", status_code=201, responses={**NOT_FOUND, **CONFLICT})
def create_link(
    episode_id: uuid.UUID, body: EpisodeLinkCreate, principal: ClinicianWrite, db: SessionDep
) -> EpisodeLinkOut:
    """A patient's check-in link to this episode only; the token is returned once, its hash stored."""
    link, token = service.issue_link(
        db,
        episode_id,
        user_id=principal.user_id,
        actor=principal.actor,
        expires_in_hours=body.expires_in_hours,
    )
    return link_out(link, token)


def link_out(link: EpisodeLink, token: str) -> EpisodeLinkOut:
    return EpisodeLinkOut(
        id=link.id,
        episode_id=link.episode_id,
        token=token,
        path=f"/v1/episode-links/{token}",
        page=f"/checkin?link={token}",
        expires_at=link.expires_at,
    )


# ------------------------------------------------------------------ patients: the link is the credential


@patient.get("/{token}", responses=LINK_ERRORS)
def read_by_link(token: str, db: SessionDep, knowledge: KnowledgeDep) -> PatientEpisodeView:
    """How the patient is doing, in plain words. No login: the token is the credential."""
    _link, view = service.episode_by_link(db, token, compiled=knowledge)
    return patient_episode(view, service.latest_patient_advice(db, view))


@patient.post("/{token}/checkins", status_code=201, responses=LINK_ERRORS)
def checkin_by_link(
    token: str,
    case: Case,
    db: SessionDep,
    knowledge: KnowledgeDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> PatientCheckinOut:
    """A patient's check-in (a Case, as the patient interview builds it) on the link's episode."""
    result = service.link_checkin(db, token, case=case, idempotency_key=idempotency_key, compiled=knowledge)
    if result.replayed:
        response.headers[REPLAYED] = "true"
    return PatientCheckinOut(
        checkin_id=result.checkin.id,
        at=result.checkin.at,
        episode=patient_episode(result.view, str(result.assessment.output["triage"]["patient_advice"])),
    )


# ------------------------------------------------------------------ integrators


@outbox.get("")
def read_outbox(
    principal: OutboxCaller,
    db: SessionDep,
    include_future: Annotated[bool, Query(description="Also reminders not yet due")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> OutboxPage:
    """Unsent reminders, oldest due first. nervemap sends nothing: an integrator sends and acknowledges.

    For an admin, or an API key with the 'outbox' scope owned by an admin.
    """
    rows, total = service.outbox(db, actor=principal.actor, include_future=include_future, limit=limit)
    return OutboxPage(items=[outbox_out(m) for m in rows], total=total)


@outbox.post("/{message_id}/ack", responses={**NOT_FOUND})
def acknowledge(message_id: uuid.UUID, principal: OutboxCaller, db: SessionDep) -> OutboxMessageOut:
    """Mark a reminder sent (acknowledging again changes nothing)."""
    return outbox_out(service.acknowledge(db, message_id, actor=principal.actor))


@outbox.post("/{message_id}/link", status_code=201, responses={**NOT_FOUND, **CONFLICT})
def link_for_reminder(
    message_id: uuid.UUID, body: EpisodeLinkCreate, principal: OutboxCaller, db: SessionDep
) -> EpisodeLinkOut:
    """A fresh check-in link (default two weeks) for the episode of a check-in reminder, to send with it.

    nervemap keeps only links' hashes, so a reminder cannot carry one; the token is shown once here.
    """
    link, token = service.link_for_message(
        db,
        message_id,
        user_id=principal.user_id,
        actor=principal.actor,
        expires_in_hours=body.expires_in_hours,
    )
    return link_out(link, token)
