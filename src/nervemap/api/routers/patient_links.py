"""Patient links: a clinician shares one assessment; the patient reads it in plain language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter

from nervemap.api.auth import ClinicianWrite
from nervemap.api.deps import SessionDep, SettingsDep
from nervemap.api.plain import patient_view
from nervemap.api.problems import PROBLEM_RESPONSES, FieldError, Problem, ProblemError, not_found
from nervemap.api.schemas import PatientLinkCreate, PatientLinkOut, PatientView
from nervemap.store.assessments import AssessmentRepository
from nervemap.store.audit import AuditLog
from nervemap.store.db import begin_read
from nervemap.store.patient_links import PatientLinkRepository
from nervemap.store.types import utcnow

router = APIRouter(prefix="/v1", tags=["patient links"])
LINK_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "Unknown or altered link"},
    410: {"model": Problem, "description": "Expired link"},
}


@router.post("/patient-links", status_code=201, responses={**PROBLEM_RESPONSES, 404: {"model": Problem}})
def create_patient_link(
    body: PatientLinkCreate, principal: ClinicianWrite, session: SessionDep, settings: SettingsDep
) -> PatientLinkOut:
    """An expiring link to one assessment. The token is returned once and stored only as a hash."""
    if AssessmentRepository(session).get(body.assessment_id) is None:
        raise not_found("assessment", "body.assessment_id")
    hours = body.expires_in_hours or settings.link_expiry_hours
    issued = PatientLinkRepository(session).issue(
        assessment_id=body.assessment_id,
        created_by=principal.user_id,
        expires_at=utcnow() + timedelta(hours=hours),
    )
    AuditLog(session).record(principal.actor, "patient-link.create", f"assessment:{body.assessment_id}")
    session.commit()
    return PatientLinkOut(
        id=issued.record.id,
        token=issued.token,
        path=f"/v1/patient/{issued.token}",
        expires_at=issued.record.expires_at,
    )


@router.get("/patient/{token}", responses=LINK_ERRORS)
def read_patient_link(token: str, session: SessionDep) -> PatientView:
    """The patient's own result, in plain language. No login: the token is the credential."""
    begin_read(session)
    link = PatientLinkRepository(session).by_token(token) if len(token) <= 200 else None
    record = AssessmentRepository(session).get(link.assessment_id) if link and link.assessment_id else None
    if link is None or record is None:
        raise ProblemError(
            404,
            "not-found",
            "Not found",
            "this link is not valid",
            [FieldError(field="path.token", reason="unknown link")],
        )
    if link.expires_at <= utcnow():
        raise ProblemError(
            410,
            "expired",
            "Link expired",
            "this link has expired; ask your clinician for a new one",
            [FieldError(field="path.token", reason="expired")],
        )
    session.commit()  # the read ends; the audit line is a short write transaction of its own
    AuditLog(session).record(f"link:{link.id}", "patient-link.view", f"assessment:{record.id}")
    session.commit()
    return patient_view(record.output, record.created_at)
