"""Follow-up episodes: episodes, their check-ins, patient check-in links and the reminder outbox.

The store keeps the follow-up records (``nervemap.followup`` models) as JSON and never imports
that package; the service (``nervemap.services.episodes``) builds and reads them.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from nervemap.store.models import (
    Episode,
    EpisodeCheckin,
    EpisodeLink,
    EpisodeStatus,
    OutboxMessage,
)
from nervemap.store.types import hash_secret, utcnow

MAX_TOKEN_CHARS = 200
# Triage levels by urgency, for the queue's order (knowledge.models.TRIAGE_ORDER, kept as plain
# strings: the store does not import the knowledge base's models).
URGENCY_RANK = {"self-care": 1, "routine": 2, "soon": 3, "urgent": 4, "emergency": 5}


@dataclass(frozen=True)
class EpisodeFilter:
    """Which episodes: by status; ``due_before`` / ``overdue_before``: the next planned check-in is
    due at or before that moment; ``escalated``: waiting for a clinician's review."""

    status: EpisodeStatus | None = None
    due_before: datetime | None = None
    escalated: bool = False
    triage: str | None = None
    assessment_id: uuid.UUID | None = None  # the episode holding this assessment as a check-in


@dataclass(frozen=True)
class IssuedEpisodeLink:
    record: EpisodeLink
    token: str  # shown once, never stored


class EpisodeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -------------------------------------------------------------- episodes

    def add(self, episode: Episode) -> Episode:
        self.session.add(episode)
        self.session.flush()
        return episode

    def get(self, episode_id: uuid.UUID, lock: bool = False) -> Episode | None:
        """The episode; ``lock``: its row locked until the transaction ends (PostgreSQL; SQLite's
        write transactions already take the database's write lock at BEGIN)."""
        return self.session.get(Episode, episode_id, with_for_update=True if lock else None)

    def open_of_patient(self, patient_ref: str) -> list[Episode]:
        """The open episodes started for an EHR patient id, oldest first."""
        query = select(Episode).where(Episode.patient_ref == patient_ref, Episode.status == "open")
        return list(self.session.scalars(query.order_by(Episode.created_at, Episode.id)))

    def by_first_assessment(self, assessment_id: uuid.UUID) -> Episode | None:
        return self.session.scalar(select(Episode).where(Episode.first_assessment_id == assessment_id))

    def _filtered(self, query: Select[Any], where: EpisodeFilter) -> Select[Any]:
        if where.status is not None:
            query = query.where(Episode.status == where.status.value)
        if where.due_before is not None:
            query = query.where(Episode.next_due_at.is_not(None), Episode.next_due_at <= where.due_before)
        if where.escalated:
            query = query.where(Episode.needs_clinician_review.is_(True))
        if where.triage is not None:
            query = query.where(Episode.triage_level == where.triage)
        if where.assessment_id is not None:
            holding = select(EpisodeCheckin.episode_id).where(
                EpisodeCheckin.assessment_id == where.assessment_id
            )
            query = query.where(Episode.id.in_(holding))
        return query

    def page(self, where: EpisodeFilter, limit: int, offset: int) -> tuple[list[Episode], int]:
        """One page: those waiting for review first, the most urgent first among them; then by the
        next due check-in (none planned last), then newest."""
        total = self.session.scalar(self._filtered(select(func.count(Episode.id)), where)) or 0
        urgency = case(URGENCY_RANK, value=Episode.triage_level, else_=0)
        query = self._filtered(select(Episode), where).order_by(
            Episode.needs_clinician_review.desc(),
            urgency.desc(),
            Episode.next_due_at.is_(None),
            Episode.next_due_at,
            Episode.created_at.desc(),
            Episode.id,
        )
        rows = self.session.scalars(query.limit(limit).offset(offset)).all()
        return list(rows), int(total)

    # -------------------------------------------------------------- check-ins

    def add_checkin(self, checkin: EpisodeCheckin) -> EpisodeCheckin:
        self.session.add(checkin)
        self.session.flush()
        return checkin

    def checkins(self, episode_id: uuid.UUID, voided: bool = False) -> list[EpisodeCheckin]:
        """The check-ins read into the course, oldest first; ``voided``: those entered in error instead."""
        kept = EpisodeCheckin.voided_at.is_not(None) if voided else EpisodeCheckin.voided_at.is_(None)
        query = (
            select(EpisodeCheckin)
            .where(EpisodeCheckin.episode_id == episode_id, kept)
            .order_by(EpisodeCheckin.at, EpisodeCheckin.id)
        )
        return list(self.session.scalars(query).all())

    def checkin(self, checkin_id: uuid.UUID) -> EpisodeCheckin | None:
        return self.session.get(EpisodeCheckin, checkin_id)

    def checkins_of(self, episode_ids: Sequence[uuid.UUID]) -> list[EpisodeCheckin]:
        """The (not voided) check-ins of several episodes, each episode's oldest first."""
        query = (
            select(EpisodeCheckin)
            .where(EpisodeCheckin.episode_id.in_(list(episode_ids)), EpisodeCheckin.voided_at.is_(None))
            .order_by(EpisodeCheckin.episode_id, EpisodeCheckin.at, EpisodeCheckin.id)
        )
        return list(self.session.scalars(query).all())

    def checkin_by_key(self, episode_id: uuid.UUID, key: str) -> EpisodeCheckin | None:
        return self.session.scalar(
            select(EpisodeCheckin).where(
                EpisodeCheckin.episode_id == episode_id, EpisodeCheckin.idempotency_key == key
            )
        )

    def checkin_of_assessment(self, assessment_id: uuid.UUID) -> EpisodeCheckin | None:
        return self.session.scalar(
            select(EpisodeCheckin).where(EpisodeCheckin.assessment_id == assessment_id)
        )

    # -------------------------------------------------------------- links

    def issue_link(
        self, *, episode_id: uuid.UUID, created_by: uuid.UUID, expires_at: datetime
    ) -> IssuedEpisodeLink:
        token = secrets.token_urlsafe(32)
        record = EpisodeLink(
            episode_id=episode_id,
            token_hash=hash_secret(token),
            created_by=created_by,
            expires_at=expires_at,
        )
        self.session.add(record)
        self.session.flush()
        return IssuedEpisodeLink(record, token)

    def link_by_token(self, token: str) -> EpisodeLink | None:
        """The link for ``token`` whether or not it has expired or was revoked (the caller decides)."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            return None
        return self.session.scalar(select(EpisodeLink).where(EpisodeLink.token_hash == hash_secret(token)))

    def revoke_links(self, episode_id: uuid.UUID) -> None:
        now = utcnow()
        for link in self.session.scalars(
            select(EpisodeLink).where(EpisodeLink.episode_id == episode_id, EpisodeLink.revoked_at.is_(None))
        ):
            link.revoked_at = now
        self.session.flush()


class OutboxRepository:
    """Reminder messages: added or revived by key, cancelled when no longer wanted, acknowledged once sent."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def by_key(self, key: str) -> OutboxMessage | None:
        return self.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))

    def put(
        self, *, episode_id: uuid.UUID, kind: str, due_at: datetime, payload: dict[str, Any], key: str
    ) -> OutboxMessage:
        """The message with ``key``: new, or the existing one (revived if it was cancelled, unsent)."""
        message = self.by_key(key)
        if message is None:
            message = OutboxMessage(
                episode_id=episode_id, kind=kind, due_at=due_at, payload=payload, dedupe_key=key
            )
            self.session.add(message)
        elif message.cancelled_at is not None and message.delivered_at is None:
            message.cancelled_at = None
            message.payload = payload
        self.session.flush()
        return message

    def pending_of(self, episode_id: uuid.UUID, kind: str) -> list[OutboxMessage]:
        query = select(OutboxMessage).where(
            OutboxMessage.episode_id == episode_id,
            OutboxMessage.kind == kind,
            OutboxMessage.delivered_at.is_(None),
            OutboxMessage.cancelled_at.is_(None),
        )
        return list(self.session.scalars(query).all())

    def cancel(self, message: OutboxMessage) -> None:
        if message.delivered_at is None and message.cancelled_at is None:
            message.cancelled_at = utcnow()

    def get(self, message_id: uuid.UUID) -> OutboxMessage | None:
        return self.session.get(OutboxMessage, message_id)

    def undelivered(self, due_before: datetime | None, limit: int) -> tuple[list[OutboxMessage], int]:
        """Unsent, uncancelled messages (due at or before ``due_before`` when given), oldest due first."""
        conditions: list[ColumnElement[bool]] = [
            OutboxMessage.delivered_at.is_(None),
            OutboxMessage.cancelled_at.is_(None),
        ]
        if due_before is not None:
            conditions.append(OutboxMessage.due_at <= due_before)
        total = self.session.scalar(select(func.count(OutboxMessage.id)).where(*conditions)) or 0
        query = select(OutboxMessage).where(*conditions).order_by(OutboxMessage.due_at, OutboxMessage.id)
        return list(self.session.scalars(query.limit(limit)).all()), int(total)

    def acknowledge(self, message: OutboxMessage, actor: str) -> OutboxMessage:
        """Mark sent; acknowledging again changes nothing."""
        if message.delivered_at is None:
            message.delivered_at = utcnow()
            message.delivered_by = actor
            self.session.flush()
        return message
