"""The tables: users, API keys, assessments, patient links and the audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, MetaData, String, Text, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from nervemap.store.types import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Role(StrEnum):
    CLINICIAN = "clinician"
    ADMIN = "admin"


class Scope(StrEnum):
    """What an API key may do: read records, write records, administer users and the audit trail."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


class ReviewStatus(StrEnum):
    NEW = "new"
    REVIEWED = "reviewed"


class SourceKind(StrEnum):
    STRUCTURED = "structured"
    TEXT = "text"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


def _new_id() -> uuid.UUID:
    return uuid.uuid4()


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_new_id)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), doc="First characters of the key, to recognise it")
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, doc="SHA-256 of the whole key")
    scopes: Mapped[list[str]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class AssessmentRecord(Base):
    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_created_at", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_new_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    source_kind: Mapped[str] = mapped_column(String(16))
    input: Mapped[dict[str, Any]] = mapped_column()
    output: Mapped[dict[str, Any]] = mapped_column()
    knowledge_version: Mapped[str] = mapped_column(String(64))
    nervemap_version: Mapped[str] = mapped_column(String(64))
    triage_level: Mapped[str] = mapped_column(String(16), index=True)
    top_condition_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default=ReviewStatus.NEW.value, index=True)
    review_comment: Mapped[str | None] = mapped_column(Text, default=None)
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)


class PatientLink(Base):
    __tablename__ = "patient_links"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, doc="SHA-256 of the link token")
    assessment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True, default=None
    )
    interview_state: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class AuditEvent(Base):
    """Append-only: who did what to which object, when. Never patient text."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100), index=True, doc="user:<id>, apikey:<id>, link:<id>")
    action: Mapped[str] = mapped_column(String(50), index=True)
    object: Mapped[str | None] = mapped_column(String(100), default=None, doc="kind:<id>")


class InterviewRecord(Base):
    """A web or API interview in progress: its saved state, reached with an unguessable token."""

    __tablename__ = "interviews"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, doc="SHA-256 of the session token")
    mode: Mapped[str] = mapped_column(String(16))
    state: Mapped[dict[str, Any]] = mapped_column(doc="InterviewSession.to_json(), parsed")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), default=None, doc="The clinician of a clinician-mode interview"
    )
    patient_link_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("patient_links.id", ondelete="SET NULL"), default=None, doc="The invitation used"
    )
    assessment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL"), default=None, doc="Set when finished"
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class ConsultationRequest(Base):
    """A patient's request to be seen about an assessment: it puts the assessment in the clinic queue."""

    __tablename__ = "consultation_requests"
    __table_args__ = (Index("ix_consultation_requests_created_at", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_new_id)
    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True, doc="One request per form")
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(254))
    consent: Mapped[bool] = mapped_column()
    triage_level: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CdsFeedback(Base):
    """What a clinician did with a CDS Hooks card: accepted (which suggestions) or overridden (why)."""

    __tablename__ = "cds_feedback"
    __table_args__ = (Index("ix_cds_feedback_received_at", "received_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_new_id)
    service_id: Mapped[str] = mapped_column(String(100), index=True)
    card_uuid: Mapped[str] = mapped_column(String(64), index=True, doc="The card's uuid")
    outcome: Mapped[str] = mapped_column(String(16), doc="accepted or overridden")
    accepted_suggestions: Mapped[list[str]] = mapped_column(doc="uuids of the suggestions taken")
    override_system: Mapped[str | None] = mapped_column(String(255), default=None)
    override_code: Mapped[str | None] = mapped_column(String(100), default=None)
    override_display: Mapped[str | None] = mapped_column(String(255), default=None)
    user_comment: Mapped[str | None] = mapped_column(Text, default=None)
    outcome_at: Mapped[datetime] = mapped_column(doc="outcomeTimestamp, as the client sent it")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100), doc="Who sent it: user:, apikey: or cds-client:")
