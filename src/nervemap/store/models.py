"""The tables: users, API keys, assessments, patient links, the audit trail, and follow-up episodes."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, MetaData, String, Text, UniqueConstraint, Uuid
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
    OUTBOX = "outbox"  # read and acknowledge reminder messages (GET/POST /v1/outbox), nothing else


class ReviewStatus(StrEnum):
    NEW = "new"
    REVIEWED = "reviewed"


class EpisodeStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class CheckinSourceKind(StrEnum):
    PATIENT = "patient"
    CLINICIAN = "clinician"


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
    token_generation: Mapped[int] = mapped_column(
        default=0,
        server_default="0",
        doc="Written into every token and session cookie; raised to end them all (logout, deactivation)",
    )


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
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    max_uses: Mapped[int | None] = mapped_column(
        default=None, doc="Interviews an invitation may start; None: any"
    )
    uses: Mapped[int] = mapped_column(default=0, server_default="0", doc="Interviews started from it")
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


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
    step: Mapped[dict[str, Any] | None] = mapped_column(
        default=None, doc="InterviewSession.saved_step(): the next question and why, for this state"
    )
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


class Episode(Base):
    """A patient's leg-pain problem followed over time: started by one assessment, then check-ins.

    ``schedule`` holds the planned check-ins (``followup.models.CheckinDue`` as JSON, oldest first),
    ``course`` the latest ``followup.models.CourseSummary`` as JSON; the columns beside them are
    copies kept for the clinician queue's filters (due, overdue, escalated).
    """

    __tablename__ = "episodes"
    __table_args__ = (Index("ix_episodes_created_at", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_new_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    first_assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), unique=True, doc="One episode per assessment"
    )
    status: Mapped[str] = mapped_column(String(16), default=EpisodeStatus.OPEN.value, index=True)
    triage_level: Mapped[str] = mapped_column(String(16), index=True)
    needs_clinician_review: Mapped[bool] = mapped_column(default=False, index=True)
    overall: Mapped[str] = mapped_column(String(32), doc="CourseSummary.overall")
    next_due_at: Mapped[datetime | None] = mapped_column(
        default=None, index=True, doc="The earliest planned check-in not yet done (None: none left)"
    )
    schedule: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    schedule_edited_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    schedule_edited_at: Mapped[datetime | None] = mapped_column(default=None)
    course: Mapped[dict[str, Any]] = mapped_column(doc="CourseSummary as JSON")
    patient_ref: Mapped[str | None] = mapped_column(
        String(64),
        default=None,
        index=True,
        doc="The EHR's patient id (FHIR Patient.id) when given: CDS Hooks patient-view finds it by this",
    )
    knowledge_version: Mapped[str] = mapped_column(String(64))
    nervemap_version: Mapped[str] = mapped_column(String(64))
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    review_comment: Mapped[str | None] = mapped_column(Text, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class EpisodeCheckin(Base):
    """One assessment at one moment of an episode (the first is the assessment that started it)."""

    __tablename__ = "episode_checkins"
    __table_args__ = (
        Index("ix_episode_checkins_episode_id_at", "episode_id", "at"),
        UniqueConstraint(
            "episode_id", "idempotency_key", name="uq_episode_checkins_episode_id_idempotency_key"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_new_id)
    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), unique=True, doc="In one episode at most"
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(16), doc="patient or clinician")
    actor: Mapped[str] = mapped_column(String(100), doc="Who added it: user:, apikey:, episode-link:")
    measures: Mapped[dict[str, Any]] = mapped_column(doc="CheckinMeasures as JSON")
    escalations: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, doc="The Escalation rules that fired at this check-in, as JSON"
    )
    triage_level: Mapped[str] = mapped_column(String(16), doc="The episode's level after this check-in")
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    idempotency_key: Mapped[str | None] = mapped_column(
        String(64), default=None, doc="The caller's Idempotency-Key: a retry returns this check-in"
    )
    voided_at: Mapped[datetime | None] = mapped_column(default=None, doc="Entered in error: kept, not read")
    voided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    void_reason: Mapped[str | None] = mapped_column(Text, default=None)


class EpisodeLink(Base):
    """A patient's check-in link: an unguessable token (hash stored) bound to one episode."""

    __tablename__ = "episode_links"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_new_id)
    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, doc="SHA-256 of the link token")
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class OutboxMessage(Base):
    """A reminder an integrator may send (nervemap sends nothing): ids, times and kinds, no patient text."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due_at", "due_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=_new_id)
    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32), doc="checkin-due or escalation")
    due_at: Mapped[datetime] = mapped_column()
    payload: Mapped[dict[str, Any]] = mapped_column()
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True, doc="One message per event")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    delivered_by: Mapped[str | None] = mapped_column(String(100), default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
