"""Follow-up episodes (issue 19): episodes, their check-ins, patient check-in links, reminder outbox.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "episodes",
        sa.Column("id", sa.Uuid(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("first_assessment_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("triage_level", sa.String(length=16), nullable=False),
        sa.Column("needs_clinician_review", sa.Boolean(), nullable=False),
        sa.Column("overall", sa.String(length=32), nullable=False),
        _when("next_due_at", nullable=True),
        sa.Column("schedule", sa.JSON(), nullable=False),
        sa.Column("schedule_edited_by", sa.Uuid(), nullable=True),
        _when("schedule_edited_at", nullable=True),
        sa.Column("course", sa.JSON(), nullable=False),
        sa.Column("knowledge_version", sa.String(length=64), nullable=False),
        sa.Column("nervemap_version", sa.String(length=64), nullable=False),
        sa.Column("reviewed_by", sa.Uuid(), nullable=True),
        _when("reviewed_at", nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        _when("closed_at", nullable=True),
        _fk("episodes", "created_by", "users"),
        _fk("episodes", "first_assessment_id", "assessments", "CASCADE"),
        _fk("episodes", "schedule_edited_by", "users"),
        _fk("episodes", "reviewed_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episodes")),
        sa.UniqueConstraint("first_assessment_id", name=op.f("uq_episodes_first_assessment_id")),
    )
    op.create_index("ix_episodes_created_at", "episodes", ["created_at"])
    op.create_index(op.f("ix_episodes_status"), "episodes", ["status"])
    op.create_index(op.f("ix_episodes_triage_level"), "episodes", ["triage_level"])
    op.create_index(op.f("ix_episodes_needs_clinician_review"), "episodes", ["needs_clinician_review"])
    op.create_index(op.f("ix_episodes_next_due_at"), "episodes", ["next_due_at"])

    op.create_table(
        "episode_checkins",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        _when("at"),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.Column("escalations", sa.JSON(), nullable=False),
        sa.Column("triage_level", sa.String(length=16), nullable=False),
        sa.Column("reviewed_by", sa.Uuid(), nullable=True),
        _when("reviewed_at", nullable=True),
        _fk("episode_checkins", "episode_id", "episodes", "CASCADE"),
        _fk("episode_checkins", "assessment_id", "assessments", "CASCADE"),
        _fk("episode_checkins", "reviewed_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_checkins")),
        sa.UniqueConstraint("assessment_id", name=op.f("uq_episode_checkins_assessment_id")),
    )
    op.create_index("ix_episode_checkins_episode_id_at", "episode_checkins", ["episode_id", "at"])

    op.create_table(
        "episode_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        _when("revoked_at", nullable=True),
        _fk("episode_links", "episode_id", "episodes", "CASCADE"),
        _fk("episode_links", "created_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_episode_links_token_hash")),
    )
    op.create_index(op.f("ix_episode_links_episode_id"), "episode_links", ["episode_id"])

    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        _when("due_at"),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        _when("created_at"),
        _when("delivered_at", nullable=True),
        sa.Column("delivered_by", sa.String(length=100), nullable=True),
        _when("cancelled_at", nullable=True),
        _fk("outbox_messages", "episode_id", "episodes", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_messages_dedupe_key")),
    )
    op.create_index("ix_outbox_messages_due_at", "outbox_messages", ["due_at"])
    op.create_index(op.f("ix_outbox_messages_episode_id"), "outbox_messages", ["episode_id"])
    op.create_index(op.f("ix_outbox_messages_delivered_at"), "outbox_messages", ["delivered_at"])


def downgrade() -> None:
    op.drop_table("outbox_messages")
    op.drop_table("episode_links")
    op.drop_table("episode_checkins")
    op.drop_table("episodes")
