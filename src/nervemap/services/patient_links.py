"""Patient links (issue 17): a clinician shares one stored assessment; the patient reads it with the
link's token alone. Used by the API (``api/routers/patient_links.py``)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.orm import Session

from nervemap.services.errors import Expired, NotFound
from nervemap.store.assessments import AssessmentRepository
from nervemap.store.audit import AuditLog
from nervemap.store.db import begin_read
from nervemap.store.models import AssessmentRecord
from nervemap.store.patient_links import IssuedLink, PatientLinkRepository
from nervemap.store.types import utcnow

MAX_TOKEN_CHARS = 200


def issue_link(
    db: Session,
    assessment_id: uuid.UUID,
    *,
    created_by: uuid.UUID,
    actor: str,
    hours: float,
    field: str = "body.assessment_id",
) -> IssuedLink:
    """An expiring link to one assessment; the token is returned once and stored only as a hash."""
    if AssessmentRepository(db).get(assessment_id) is None:
        raise NotFound.of("assessment", field)
    issued = PatientLinkRepository(db).issue(
        assessment_id=assessment_id, created_by=created_by, expires_at=utcnow() + timedelta(hours=hours)
    )
    AuditLog(db).record(actor, "patient-link.create", f"assessment:{assessment_id}")
    db.commit()
    return issued


def read_link(db: Session, token: str, field: str = "path.token") -> AssessmentRecord:
    """The assessment behind a patient's link; the read is audited under the link."""
    begin_read(db)
    link = PatientLinkRepository(db).by_token(token) if len(token) <= MAX_TOKEN_CHARS else None
    record = AssessmentRepository(db).get(link.assessment_id) if link and link.assessment_id else None
    if link is None or record is None:
        raise NotFound("this link is not valid", [(field, "unknown link")])
    if link.expires_at <= utcnow():
        raise Expired(
            "this link has expired; ask your clinician for a new one",
            [(field, "expired")],
            title="Link expired",
        )
    db.commit()  # the read ends; the audit line is a short write transaction of its own
    AuditLog(db).record(f"link:{link.id}", "patient-link.view", f"assessment:{record.id}")
    db.commit()
    return record
