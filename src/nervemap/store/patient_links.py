"""Patient links: an unguessable token, stored only as a hash, valid until it expires."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nervemap.store.models import PatientLink
from nervemap.store.types import hash_secret

hash_token = hash_secret


@dataclass(frozen=True)
class IssuedLink:
    record: PatientLink
    token: str  # shown once, never stored


class PatientLinkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def issue(self, *, assessment_id: uuid.UUID, created_by: uuid.UUID, expires_at: datetime) -> IssuedLink:
        token = secrets.token_urlsafe(32)
        record = PatientLink(
            token_hash=hash_token(token),
            assessment_id=assessment_id,
            created_by=created_by,
            expires_at=expires_at,
        )
        self.session.add(record)
        self.session.flush()
        return IssuedLink(record, token)

    def by_token(self, token: str) -> PatientLink | None:
        """The link for ``token`` whether or not it has expired (the caller decides)."""
        return self.session.scalar(select(PatientLink).where(PatientLink.token_hash == hash_token(token)))
