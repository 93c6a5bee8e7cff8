"""The clinician workspace: sign-in, the queue, an assessment with its evidence, review, a
clinician-mode interview, a pasted note, and patient invitations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from nervemap.engine.assessment import Assessment
from nervemap.engine.compiled import CompiledKnowledge
from nervemap.knowledge.models import Setting, TriageLevel
from nervemap.presentation.plain import severity_measured
from nervemap.server.deps import KnowledgeDep, SessionDep, SettingsDep, get_knowledge
from nervemap.services import accounts, assessments, audit, consultations
from nervemap.services import episodes as episode_service
from nervemap.services.accounts import SERVICE_USER_ID
from nervemap.services.assessments import AssessmentFilter, AssessmentRecord, ReviewStatus, SourceKind
from nervemap.services.consultations import ConsultationRequest
from nervemap.services.errors import NotFound, ServiceError, Unauthenticated
from nervemap.services.interviews import new_interview
from nervemap.services.limits import comment_problem
from nervemap.web import bodymap, episodes, present
from nervemap.web.forms import text
from nervemap.web.links import public_link
from nervemap.web.security import (
    INTERVIEW_COOKIE,
    INTERVIEW_MAX_AGE,
    SESSION_COOKIE,
    CheckedForm,
    ClinicianPage,
    PageError,
    clear_cookie,
    renew_csrf_cookie,
    session_user,
    set_cookie,
    start_session,
)
from nervemap.web.templating import render

router = APIRouter(prefix="/clinic", include_in_schema=False)
QUEUE_LIMIT = 200
MAX_NOTE_CHARS = 100_000


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/clinic"


# ------------------------------------------------------------------ sign-in


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/clinic") -> Response:
    return render(
        request, "login.html", {"title": "Clinician sign-in", "email": "", "error": None, "next": next}
    )


@router.post("/login")
def login(request: Request, db: SessionDep, form: CheckedForm) -> Response:
    email, password, target = text(form, "email"), form.get("password"), text(form, "next")
    secret = password if isinstance(password, str) else ""
    try:
        user = accounts.sign_in(db, email, secret, role=accounts.Role.CLINICIAN)
    except Unauthenticated:
        context = {
            "title": "Clinician sign-in",
            "email": email,
            "next": target,
            "error": "Wrong email or password.",
        }
        return render(request, "login.html", context, status_code=401)
    response = _see_other(_safe_next(target or "/clinic"))
    start_session(request, response, user)
    renew_csrf_cookie(request, response)
    return response


@router.post("/logout")
def logout(request: Request, db: SessionDep, form: CheckedForm) -> Response:
    """Sign out: the cookie is cleared and the session ends on the server too (the user's token
    generation goes up), so a copied cookie stops working as well (issue 18)."""
    user = session_user(request, db)
    if user is not None:
        accounts.sign_out(db, user)
    response = _see_other("/clinic/login")
    clear_cookie(request, response, SESSION_COOKIE)
    return response


# ------------------------------------------------------------------ the queue


@dataclass(frozen=True)
class QueueRow:
    record: AssessmentRecord
    request: ConsultationRequest | None
    condition: str

    @property
    def waiting_since(self) -> datetime:
        return self.request.created_at if self.request else self.record.created_at

    @property
    def by_patient(self) -> bool:
        return self.record.created_by == SERVICE_USER_ID


def _condition(record: AssessmentRecord) -> str:
    """The queue's label: the suspected emergency when a red flag fired, else the leading condition."""
    suspected = present.suspected_label(record.output)
    if suspected:
        return suspected
    differential = record.output.get("differential") or []
    return str(differential[0]["name"]) if differential else "-"


def _ordered(rows: list[QueueRow]) -> list[QueueRow]:
    """Most urgent first, then longest waiting first."""
    return sorted(rows, key=lambda r: (present.triage_rank(r.record.triage_level), r.waiting_since))


def _queue(db: Session, triage: str, status: str) -> tuple[list[QueueRow], list[QueueRow]]:
    where = AssessmentFilter(
        triage=triage or None, status=ReviewStatus(status) if status in ("new", "reviewed") else None
    )
    requested, records = consultations.queue(db, where, QUEUE_LIMIT)
    asked = [QueueRow(record, request, _condition(record)) for request, record in requested]
    others = [QueueRow(r, None, _condition(r)) for r in records]
    return _ordered(asked), _ordered(others)


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request,
    clinician: ClinicianPage,
    db: SessionDep,
    triage: str = "",
    status: str = "new",
    show: str = "all",
) -> Response:
    triage = triage if triage in {t.value for t in TriageLevel} else ""
    status = status if status in ("new", "reviewed", "all") else "new"
    asked, others = _queue(db, triage, status)
    audit.record(db, clinician.actor, "assessment.list")
    follow_up = [] if show == "requests" else episodes.follow_up_rows(db, clinician.actor, QUEUE_LIMIT)
    context = {
        "title": "Queue",
        "clinician": clinician,
        "follow_up": [r for r in follow_up if not triage or r.episode.triage_level == triage],
        "requests": asked,
        "assessments": [] if show == "requests" else others,
        "filters": {"triage": triage, "status": status, "show": show},
        "levels": [t.value for t in reversed(list(TriageLevel))],
    }
    return render(request, "queue.html", context)


# ------------------------------------------------------------------ one assessment


def _record(db: Session, assessment_id: str, read: bool = False) -> AssessmentRecord:
    """The assessment; ``read``: in a read transaction (a page that only shows it; its audit line
    ends the read), never on the review path, which writes."""
    try:
        identifier = uuid.UUID(assessment_id)
    except ValueError:
        identifier = None
    find = assessments.read_assessment if read else assessments.find_assessment
    try:
        return find(db, identifier)
    except NotFound:
        raise PageError(
            404,
            "No such assessment",
            "This assessment does not exist or the link is wrong.",
            ("Back to the queue", "/clinic"),
        ) from None


def assessment_context(
    db: Session, record: AssessmentRecord, knowledge: CompiledKnowledge | None = None
) -> dict[str, Any]:
    """The assessment page's context, worded with ``knowledge`` (the app's compiled knowledge)."""
    assessment = Assessment.model_validate(record.output)
    case = (
        record.input.get("case", record.input)
        if record.source_kind == SourceKind.TEXT.value
        else record.input
    )
    reviewer = accounts.find_user(db, record.reviewed_by) if record.reviewed_by else None
    checkin = episode_service.checkin_of_assessment(db, record.id)
    return {
        # nothing measured it: the engine's default grade is not shown as a finding
        "severity_label": assessment.severity.grade.value
        if severity_measured(assessment)
        else "not assessed",
        "header": present.header(assessment, case if isinstance(case, dict) else {}, knowledge),
        "next_id": _next_in_queue(db, record),
        "record": record,
        "assessment": assessment,
        "case": case,
        "note": record.input.get("text") if record.source_kind == SourceKind.TEXT.value else None,
        "picture": bodymap.picture(
            assessment, case.get("pain_map"), "Pain map and leading territory", knowledge
        ),
        "requests": consultations.for_assessment(db, record.id),
        "reviewer": reviewer.email if reviewer else None,
        "by_patient": record.created_by == SERVICE_USER_ID,
        "episode_id": checkin.episode_id if checkin else None,
    }


def _next_in_queue(db: Session, record: AssessmentRecord) -> uuid.UUID | None:
    """The next unreviewed item in queue order (requests first, then assessments), after this one."""
    asked, others = _queue(db, "", "new")
    ids = [row.record.id for row in (*asked, *others)]
    if record.id in ids:
        after = ids[ids.index(record.id) + 1 :]
        return after[0] if after else (ids[0] if ids[0] != record.id else None)
    return ids[0] if ids else None


@router.get("/assessments/{assessment_id}", response_class=HTMLResponse)
def assessment_page(
    request: Request, assessment_id: str, clinician: ClinicianPage, db: SessionDep
) -> Response:
    record = _record(db, assessment_id, read=True)
    audit.record(db, clinician.actor, "assessment.read", f"assessment:{record.id}")
    context = {
        "title": "Assessment",
        "clinician": clinician,
        "comment": "",
        "error": None,
        **assessment_context(db, record, get_knowledge(request)),
    }
    return render(request, "assessment.html", context)


@router.post("/assessments/{assessment_id}/review")
def review(
    request: Request, assessment_id: str, clinician: ClinicianPage, db: SessionDep, form: CheckedForm
) -> Response:
    record = _record(db, assessment_id)
    comment = text(form, "comment")
    problem = comment_problem(comment)
    if problem is not None:
        context = {
            "title": "Assessment",
            "clinician": clinician,
            "comment": comment,
            "error": f"{problem[0].upper()}{problem[1:]}.",
            **assessment_context(db, record, get_knowledge(request)),
        }
        return render(request, "assessment.html", context, status_code=422)
    assessments.review_assessment(
        db, record.id, reviewer=clinician.id, actor=clinician.actor, comment=comment
    )
    return _see_other(f"/clinic/assessments/{record.id}#review")


# ------------------------------------------------------------------ new work


@router.post("/interviews")
def start_interview(
    request: Request, clinician: ClinicianPage, db: SessionDep, form: CheckedForm
) -> Response:
    _, token, _ = new_interview(
        db,
        "clinician",
        owner=clinician.id,
        audit=True,
        actor=clinician.actor,
        compiled=get_knowledge(request),
    )
    db.commit()
    response = _see_other("/interview/body-map")
    set_cookie(request, response, INTERVIEW_COOKIE, token, INTERVIEW_MAX_AGE)
    return response


@router.get("/note", response_class=HTMLResponse)
def note_page(request: Request, clinician: ClinicianPage) -> Response:
    context = {
        "title": "Assess a note",
        "clinician": clinician,
        "text": "",
        "setting": "primary-care",
        "error": None,
        "settings": [s.value for s in Setting],
    }
    return render(request, "note.html", context)


@router.post("/note")
def assess_note(
    request: Request, clinician: ClinicianPage, db: SessionDep, knowledge: KnowledgeDep, form: CheckedForm
) -> Response:
    note, setting = text(form, "text"), text(form, "setting")
    error = None
    if not note:
        error = "Paste the clinical note to assess."
    elif len(note) > MAX_NOTE_CHARS:
        error = f"The note is too long ({MAX_NOTE_CHARS:,} characters at most)."
    elif setting not in {s.value for s in Setting}:
        error = "Choose the setting."
    if error is None:
        try:
            record = assessments.create_assessment(
                db,
                created_by=clinician.id,
                actor=clinician.actor,
                text=note,
                setting=setting,
                prefix="",
                compiled=knowledge,
            )
        except ServiceError as problem:
            error = "; ".join(reason for _, reason in problem.errors) or problem.detail
    if error is not None:
        context = {
            "title": "Assess a note",
            "clinician": clinician,
            "text": note,
            "setting": setting,
            "error": error,
            "settings": [s.value for s in Setting],
        }
        return render(request, "note.html", context, status_code=422)
    return _see_other(f"/clinic/assessments/{record.id}")


@router.post("/invitations", response_class=HTMLResponse)
def invite(
    request: Request, clinician: ClinicianPage, db: SessionDep, settings: SettingsDep, form: CheckedForm
) -> Response:
    link, token = accounts.issue_invitation(
        db,
        created_by=clinician.id,
        actor=clinician.actor,
        hours=settings.link_expiry_hours,
        max_uses=settings.invitation_max_uses or None,
    )
    url = public_link(request, f"/start?link={token}")  # never the request's Host (web.links)
    context = {
        "title": "Invitation",
        "clinician": clinician,
        "url": url,
        "expires_at": link.expires_at,
        "max_uses": link.max_uses,
        "invitation_id": link.id,
        "revoked": False,
    }
    return render(request, "invitation.html", context)


@router.post("/invitations/{invitation_id}/revoke", response_class=HTMLResponse)
def revoke_invitation(
    request: Request, invitation_id: uuid.UUID, clinician: ClinicianPage, db: SessionDep, form: CheckedForm
) -> Response:
    """Withdraw an invitation link: it starts no more interviews (the patient sees a 410 page)."""
    try:
        accounts.revoke_invitation(db, invitation_id, actor=clinician.actor)
    except NotFound:
        raise PageError(
            404, "No such invitation", "This invitation link does not exist.", ("Back", "/clinic")
        ) from None
    context = {"title": "Invitation withdrawn", "clinician": clinician, "revoked": True}
    return render(request, "invitation.html", context)
