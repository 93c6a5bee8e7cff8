"""CDS Hooks feedback: one row per card outcome a client reports; never updated or deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nervemap.store.models import CdsFeedback


@dataclass(frozen=True)
class NewFeedback:
    service_id: str
    card_uuid: str
    outcome: str
    outcome_at: datetime
    accepted_suggestions: tuple[str, ...] = ()
    override_system: str | None = None
    override_code: str | None = None
    override_display: str | None = None
    user_comment: str | None = None


class CdsFeedbackRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, feedback: NewFeedback, actor: str) -> CdsFeedback:
        row = CdsFeedback(
            service_id=feedback.service_id,
            card_uuid=feedback.card_uuid,
            outcome=feedback.outcome,
            accepted_suggestions=list(feedback.accepted_suggestions),
            override_system=feedback.override_system,
            override_code=feedback.override_code,
            override_display=feedback.override_display,
            user_comment=feedback.user_comment,
            outcome_at=feedback.outcome_at,
            actor=actor,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def for_card(self, card_uuid: str) -> list[CdsFeedback]:
        query = (
            select(CdsFeedback).where(CdsFeedback.card_uuid == card_uuid).order_by(CdsFeedback.received_at)
        )
        return list(self.session.scalars(query).all())
