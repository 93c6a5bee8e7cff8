"""Interviews, consultation requests, and the service user that owns patients' own assessments.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Kept in step with nervemap.store.interviews (a migration must not import changing app code).
SERVICE_USER_ID = "00000000-0000-4000-8000-000000000001"
SERVICE_USER_EMAIL = "patient-interview@nervemap.invalid"


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "interviews",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("patient_link_id", sa.Uuid(), nullable=True),
        sa.Column("assessment_id", sa.Uuid(), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        _when("expires_at"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_interviews_owner_id_users")),
        sa.ForeignKeyConstraint(
            ["patient_link_id"],
            ["patient_links.id"],
            name=op.f("fk_interviews_patient_link_id_patient_links"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_interviews_assessment_id_assessments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_interviews_token_hash")),
    )
    op.create_table(
        "consultation_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=254), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("triage_level", sa.String(length=16), nullable=False),
        _when("created_at"),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_consultation_requests_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_requests")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_consultation_requests_idempotency_key")),
    )
    op.create_index(
        op.f("ix_consultation_requests_assessment_id"), "consultation_requests", ["assessment_id"]
    )
    op.create_index("ix_consultation_requests_created_at", "consultation_requests", ["created_at"])
    op.create_index(op.f("ix_consultation_requests_triage_level"), "consultation_requests", ["triage_level"])
    users = sa.table(
        "users",
        sa.column("id", sa.Uuid()),
        sa.column("email", sa.String()),
        sa.column("role", sa.String()),
        sa.column("password_hash", sa.String()),
        sa.column("active", sa.Boolean()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    service_id = uuid.UUID(SERVICE_USER_ID)
    exists = op.get_bind().execute(sa.select(users.c.id).where(users.c.id == service_id)).first()
    if exists is None:
        # Inactive, with no usable password: it cannot log in; it only owns patients' assessments.
        op.bulk_insert(
            users,
            [
                {
                    "id": service_id,
                    "email": SERVICE_USER_EMAIL,
                    "role": "clinician",
                    "password_hash": "!",
                    "active": False,
                    "created_at": datetime.now(UTC),
                }
            ],
        )


def downgrade() -> None:
    # The service user stays: assessments made by patients still name it as their creator.
    op.drop_table("consultation_requests")
    op.drop_table("interviews")
