"""The EHR's patient id on an episode (issue 19): CDS Hooks patient-view finds escalated episodes by it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("episodes", sa.Column("patient_ref", sa.String(length=64), nullable=True))
    op.create_index("ix_episodes_patient_ref", "episodes", ["patient_ref"])


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch rebuild would drop and recreate
    # episodes, which check-ins, links and the outbox reference, and SQLite's foreign keys refuse that.
    op.drop_index("ix_episodes_patient_ref", table_name="episodes")
    op.drop_column("episodes", "patient_ref")
