"""Consultation requests: a patient asks to be seen; stored once per form (idempotency key)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nervemap.store.models import AssessmentRecord, ConsultationRequest


@dataclass(frozen=True)
class NewRequest:
    assessment_id: uuid.UUID
    idempotency_key: str
    name: str
    contact: str
    consent: bool


class ConsultationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_once(self, request: NewRequest, record: AssessmentRecord) -> tuple[ConsultationRequest, bool]:
        """The request stored under its key, and whether this call created it."""
        existing = self.by_key(request.idempotency_key)
        if existing is not None:
            return existing, False
        row = ConsultationRequest(
            assessment_id=request.assessment_id,
            idempotency_key=request.idempotency_key,
            name=request.name,
            contact=request.contact,
            consent=request.consent,
            triage_level=record.triage_level,
        )
        try:
            with self.session.begin_nested():  # a concurrent twin may win the unique key
                self.session.add(row)
        except IntegrityError:
            winner = self.by_key(request.idempotency_key)
            if winner is None:
                raise
            return winner, False
        return row, True

    def by_key(self, key: str) -> ConsultationRequest | None:
        return self.session.scalar(
            select(ConsultationRequest).where(ConsultationRequest.idempotency_key == key)
        )

    def get(self, request_id: uuid.UUID) -> ConsultationRequest | None:
        return self.session.get(ConsultationRequest, request_id)

    def for_assessment(self, assessment_id: uuid.UUID) -> list[ConsultationRequest]:
        query = select(ConsultationRequest).where(ConsultationRequest.assessment_id == assessment_id)
        return list(self.session.scalars(query.order_by(ConsultationRequest.created_at)).all())

    def all(self, limit: int = 500) -> list[ConsultationRequest]:
        query = select(ConsultationRequest).order_by(ConsultationRequest.created_at).limit(limit)
        return list(self.session.scalars(query).all())
