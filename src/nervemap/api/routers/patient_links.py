"""Patient links: a clinician shares one assessment; the patient reads it in plain language."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from nervemap.api.schemas import PatientLinkCreate, PatientLinkOut
from nervemap.presentation.plain import PatientView, patient_view
from nervemap.server.auth import ClinicianWrite
from nervemap.server.deps import KnowledgeDep, SessionDep, SettingsDep
from nervemap.server.problems import PROBLEM_RESPONSES, Problem
from nervemap.services import patient_links as service
from nervemap.services.assessments import for_patient

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
    issued = service.issue_link(
        session,
        body.assessment_id,
        created_by=principal.user_id,
        actor=principal.actor,
        hours=body.expires_in_hours or settings.link_expiry_hours,
    )
    return PatientLinkOut(
        id=issued.record.id,
        token=issued.token,
        path=f"/v1/patient/{issued.token}",
        expires_at=issued.record.expires_at,
    )


@router.get("/patient/{token}", responses=LINK_ERRORS)
def read_patient_link(token: str, session: SessionDep, knowledge: KnowledgeDep) -> PatientView:
    """The patient's own result, in plain language. No login: the token is the credential."""
    record = service.read_link(session, token)
    return patient_view(for_patient(record), record.created_at, knowledge)
