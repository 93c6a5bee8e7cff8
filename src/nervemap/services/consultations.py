"""Consultation requests (issue 17): a patient asks to be seen after their result; the clinician's
queue lists the requests first. Shared by the web pages (``web/patient.py``, ``web/clinic.py``,
``web/episodes.py``)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from nervemap.store.assessments import AssessmentFilter, AssessmentRepository
from nervemap.store.audit import AuditLog
from nervemap.store.consultations import ConsultationRepository, NewRequest
from nervemap.store.db import begin_read
from nervemap.store.models import AssessmentRecord, ConsultationRequest

__all__ = ["ConsultationRequest", "NewRequest", "for_assessment", "queue", "request_consultation"]


def request_consultation(
    db: Session, request: NewRequest, record: AssessmentRecord, *, actor: str
) -> tuple[ConsultationRequest, bool]:
    """Store the request once per form (its idempotency key); audited when this call created it."""
    stored, created = ConsultationRepository(db).add_once(request, record)
    if created:
        AuditLog(db).record(actor, "consultation.request", f"assessment:{record.id}")
    db.commit()
    return stored, created


def for_assessment(db: Session, assessment_id: uuid.UUID) -> list[ConsultationRequest]:
    return ConsultationRepository(db).for_assessment(assessment_id)


def queue(
    db: Session, where: AssessmentFilter, limit: int
) -> tuple[list[tuple[ConsultationRequest, AssessmentRecord]], list[AssessmentRecord]]:
    """The clinician's queue: each consultation request with its assessment (filtered as ``where``),
    then the other assessments matching ``where`` (at most ``limit`` of each), unordered. A read
    transaction (issue 16: no wait for SQLite's write lock) unless the caller has one open already."""
    begin_read(db)
    records, _ = AssessmentRepository(db).list(where, limit, 0)
    by_id = {r.id: r for r in records}
    repository = AssessmentRepository(db)
    asked: list[tuple[ConsultationRequest, AssessmentRecord]] = []
    for request in ConsultationRepository(db).all(limit):
        record = by_id.get(request.assessment_id) or repository.get(request.assessment_id)
        if record is None or (where.triage and record.triage_level != where.triage):
            continue
        if where.status is not None and record.status != where.status.value:
            continue
        asked.append((request, record))
    with_request = {record.id for _, record in asked}
    return asked, [r for r in records if r.id not in with_request]
