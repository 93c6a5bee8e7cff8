"""The clinician workspace: sign-in, the queue, an assessment with its evidence, review, a
clinician-mode interview, a pasted note, and patient invitations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from nervemap.api.deps import SessionDep, SettingsDep
from nervemap.api.engine import run_assessment, run_extraction
from nervemap.api.plain import severity_measured
from nervemap.api.problems import ProblemError
from nervemap.api.routers.interviews import new_interview
from nervemap.engine.assessment import Assessment
from nervemap.knowledge.models import Setting, TriageLevel
from nervemap.store.assessments import AssessmentFilter, AssessmentRepository
from nervemap.store.audit import AuditLog
from nervemap.store.consultations import ConsultationRepository
from nervemap.store.episodes import EpisodeRepository
from nervemap.store.interviews import SERVICE_USER_ID, InvitationRepository
from nervemap.store.models import AssessmentRecord, ConsultationRequest, ReviewStatus, SourceKind
from nervemap.store.passwords import verify_password
from nervemap.store.types import utcnow
from nervemap.store.users import UserRepository
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
    user = UserRepository(db).by_email(email) if email else None
    secret = password if isinstance(password, str) else ""
    genuine = verify_password(user.password_hash if user else None, secret)
    if user is None or not user.active or not genuine or user.role != "clinician":
        context = {
            "title": "Clinician sign-in",
            "email": email,
            "next": target,
            "error": "Wrong email or password.",
        }
        return render(request, "login.html", context, status_code=401)
    AuditLog(db).record(f"user:{user.id}", "auth.login", f"user:{user.id}")
    db.commit()
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
        UserRepository(db).end_sessions(user)
        AuditLog(db).record(f"user:{user.id}", "auth.logout", f"user:{user.id}")
        db.commit()
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
    records, _ = AssessmentRepository(db).list(where, QUEUE_LIMIT, 0)
    requests = ConsultationRepository(db).all(QUEUE_LIMIT)
    by_id = {r.id: r for r in records}
    repository = AssessmentRepository(db)
    asked: list[QueueRow] = []
    for request in requests:
        record = by_id.get(request.assessment_id) or repository.get(request.assessment_id)
        if record is None or (triage and record.triage_level != triage):
            continue
        if status in ("new", "reviewed") and record.status != status:
            continue
        asked.append(QueueRow(record, request, _condition(record)))
    with_request = {row.record.id for row in asked}
    others = [QueueRow(r, None, _condition(r)) for r in records if r.id not in with_request]
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
    AuditLog(db).record(clinician.actor, "assessment.list")
    db.commit()
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


def _record(db: Session, assessment_id: str) -> AssessmentRecord:
    try:
        identifier = uuid.UUID(assessment_id)
    except ValueError:
        identifier = None
    record = AssessmentRepository(db).get(identifier) if identifier else None
    if record is None:
        raise PageError(
            404,
            "No such assessment",
            "This assessment does not exist or the link is wrong.",
            ("Back to the queue", "/clinic"),
        )
    return record


def assessment_context(db: Session, record: AssessmentRecord) -> dict[str, Any]:
    assessment = Assessment.model_validate(record.output)
    case = (
        record.input.get("case", record.input)
        if record.source_kind == SourceKind.TEXT.value
        else record.input
    )
    reviewer = UserRepository(db).get(record.reviewed_by) if record.reviewed_by else None
    checkin = EpisodeRepository(db).checkin_of_assessment(record.id)
    return {
        # nothing measured it: the engine's default grade is not shown as a finding
        "severity_label": assessment.severity.grade.value
        if severity_measured(assessment)
        else "not assessed",
        "header": present.header(assessment, case if isinstance(case, dict) else {}),
        "next_id": _next_in_queue(db, record),
        "record": record,
        "assessment": assessment,
        "case": case,
        "note": record.input.get("text") if record.source_kind == SourceKind.TEXT.value else None,
        "picture": bodymap.picture(assessment, case.get("pain_map"), "Pain map and leading territory"),
        "requests": ConsultationRepository(db).for_assessment(record.id),
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
    record = _record(db, assessment_id)
    AuditLog(db).record(clinician.actor, "assessment.read", f"assessment:{record.id}")
    db.commit()
    context = {
        "title": "Assessment",
        "clinician": clinician,
        "comment": "",
        "error": None,
        **assessment_context(db, record),
    }
    return render(request, "assessment.html", context)


@router.post("/assessments/{assessment_id}/review")
def review(
    request: Request, assessment_id: str, clinician: ClinicianPage, db: SessionDep, form: CheckedForm
) -> Response:
    record = _record(db, assessment_id)
    comment = text(form, "comment")
    if len(comment) > 10_000:
        context = {
            "title": "Assessment",
            "clinician": clinician,
            "comment": comment,
            "error": "The comment is too long (10,000 characters at most).",
            **assessment_context(db, record),
        }
        return render(request, "assessment.html", context, status_code=422)
    AssessmentRepository(db).review(record, clinician.id, comment)
    AuditLog(db).record(clinician.actor, "assessment.review", f"assessment:{record.id}")
    db.commit()
    return _see_other(f"/clinic/assessments/{record.id}#review")


# ------------------------------------------------------------------ new work


@router.post("/interviews")
def start_interview(
    request: Request, clinician: ClinicianPage, db: SessionDep, form: CheckedForm
) -> Response:
    record, token, _ = new_interview(db, "clinician", owner=clinician.id)
    AuditLog(db).record(clinician.actor, "interview.start", f"interview:{record.id}")
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
def assess_note(request: Request, clinician: ClinicianPage, db: SessionDep, form: CheckedForm) -> Response:
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
            case = run_extraction(note, setting).case
            assessment = run_assessment(case, field_prefix="text: extracted ")
        except ProblemError as problem:
            error = "; ".join(e.reason for e in problem.errors) or problem.detail
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
    stored = {"text": note, "setting": setting, "case": case.model_dump(mode="json")}
    record = AssessmentRepository(db).add(
        created_by=clinician.id, source_kind=SourceKind.TEXT, input=stored, assessment=assessment
    )
    AuditLog(db).record(clinician.actor, "assessment.create", f"assessment:{record.id}")
    db.commit()
    return _see_other(f"/clinic/assessments/{record.id}")


@router.post("/invitations", response_class=HTMLResponse)
def invite(
    request: Request, clinician: ClinicianPage, db: SessionDep, settings: SettingsDep, form: CheckedForm
) -> Response:
    link, token = InvitationRepository(db).issue(
        created_by=clinician.id,
        expires_at=utcnow() + timedelta(hours=settings.link_expiry_hours),
        max_uses=settings.invitation_max_uses or None,
    )
    AuditLog(db).record(clinician.actor, "invitation.create", f"patient-link:{link.id}")
    db.commit()
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
    links = InvitationRepository(db)
    link = links.get(invitation_id)
    if link is None:
        raise PageError(
            404, "No such invitation", "This invitation link does not exist.", ("Back", "/clinic")
        )
    if links.revoke(link):
        AuditLog(db).record(clinician.actor, "invitation.revoke", f"patient-link:{link.id}")
    db.commit()
    context = {"title": "Invitation withdrawn", "clinician": clinician, "revoked": True}
    return render(request, "invitation.html", context)
