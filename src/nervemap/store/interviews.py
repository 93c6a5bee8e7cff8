"""Interviews in progress: saved state behind an unguessable token, and the service user that owns
the assessments patients make themselves."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from nervemap.store.models import InterviewRecord, PatientLink, Role, User
from nervemap.store.patient_links import hash_token
from nervemap.store.types import utcnow

# Created by migration 0002; get_or_create_service_user() covers databases built another way.
SERVICE_USER_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
SERVICE_USER_EMAIL = "patient-interview@nervemap.invalid"
MAX_TOKEN_CHARS = 200


def service_user(session: Session) -> User:
    """The inactive user (no usable password) named as creator of patients' own assessments."""
    user = session.get(User, SERVICE_USER_ID)
    if user is None:
        user = User(
            id=SERVICE_USER_ID,
            email=SERVICE_USER_EMAIL,
            role=Role.CLINICIAN.value,
            password_hash="!",
            active=False,
        )
        session.add(user)
        session.flush()
    return user


@dataclass(frozen=True)
class IssuedInterview:
    record: InterviewRecord
    token: str  # shown once, never stored


class InterviewRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def start(
        self,
        *,
        mode: str,
        state_json: str,
        expires_at: datetime,
        owner_id: uuid.UUID | None = None,
        patient_link_id: uuid.UUID | None = None,
        step: dict[str, Any] | None = None,
    ) -> IssuedInterview:
        token = secrets.token_urlsafe(32)
        record = InterviewRecord(
            token_hash=hash_token(token),
            mode=mode,
            state=json.loads(state_json),
            step=step,
            owner_id=owner_id,
            patient_link_id=patient_link_id,
            expires_at=expires_at,
        )
        self.session.add(record)
        self.session.flush()
        return IssuedInterview(record, token)

    def by_token(self, token: str) -> InterviewRecord | None:
        """The interview for ``token`` whether or not it has expired (the caller decides)."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            return None
        return self.session.scalar(
            select(InterviewRecord).where(InterviewRecord.token_hash == hash_token(token))
        )

    def save(self, record: InterviewRecord, state_json: str, step: dict[str, Any] | None = None) -> None:
        """Keep a new state, with its computed step (None: to compute when next read)."""
        record.state = json.loads(state_json)
        record.step = step
        record.updated_at = utcnow()
        self.session.flush()

    def finish(self, record: InterviewRecord, assessment_id: uuid.UUID) -> None:
        record.assessment_id = assessment_id
        record.updated_at = utcnow()
        self.session.flush()


class InvitationRepository:
    """Invitations: patient links with no assessment yet, used to start a patient interview.

    Single-use by default (``max_uses`` 1; None allows any number): each interview started from one
    takes a use, atomically, so two starts at once cannot both take the last one. Revocable.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def issue(
        self, *, created_by: uuid.UUID, expires_at: datetime, max_uses: int | None = 1
    ) -> tuple[PatientLink, str]:
        token = secrets.token_urlsafe(32)
        link = PatientLink(
            token_hash=hash_token(token),
            assessment_id=None,
            created_by=created_by,
            expires_at=expires_at,
            max_uses=max_uses,
            uses=0,
        )
        self.session.add(link)
        self.session.flush()
        return link, token

    def by_token(self, token: str) -> PatientLink | None:
        if not token or len(token) > MAX_TOKEN_CHARS:
            return None
        link = self.session.scalar(select(PatientLink).where(PatientLink.token_hash == hash_token(token)))
        return link if link is not None and link.assessment_id is None else None

    def created_by(self, user_id: uuid.UUID, limit: int = 200) -> list[PatientLink]:
        """``user_id``'s invitations, newest first."""
        query = (
            select(PatientLink)
            .where(PatientLink.created_by == user_id, PatientLink.assessment_id.is_(None))
            .order_by(PatientLink.created_at.desc())
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def get(self, link_id: uuid.UUID) -> PatientLink | None:
        link = self.session.get(PatientLink, link_id)
        return link if link is not None and link.assessment_id is None else None

    @staticmethod
    def unusable(link: PatientLink) -> str | None:
        """Why ``link`` cannot start an interview now ("revoked", "used", "expired"), or None."""
        if link.revoked_at is not None:
            return "revoked"
        if link.max_uses is not None and (link.uses or 0) >= link.max_uses:
            return "used"
        if link.expires_at <= utcnow():
            return "expired"
        return None

    def use(self, link: PatientLink) -> bool:
        """Take one use of ``link`` (False when revoked, used up or expired meanwhile)."""
        taken = self.session.execute(
            update(PatientLink)
            .where(
                PatientLink.id == link.id,
                PatientLink.revoked_at.is_(None),
                PatientLink.expires_at > utcnow(),
                or_(PatientLink.max_uses.is_(None), PatientLink.uses < PatientLink.max_uses),
            )
            .values(uses=PatientLink.uses + 1)
            .execution_options(synchronize_session=False)
        )
        self.session.refresh(link)
        return bool(getattr(taken, "rowcount", 0) == 1)

    def revoke(self, link: PatientLink) -> bool:
        """Withdraw ``link``; False when it already was."""
        if link.revoked_at is not None:
            return False
        link.revoked_at = utcnow()
        self.session.flush()
        return True
