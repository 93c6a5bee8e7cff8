"""Check-ins entered in error (issue 19): a clinician voids one, with a reason; it is kept, not read.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("episode_checkins") as batch:
        batch.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("voided_by", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("void_reason", sa.Text(), nullable=True))
        batch.create_foreign_key("fk_episode_checkins_voided_by_users", "users", ["voided_by"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("episode_checkins") as batch:
        batch.drop_constraint("fk_episode_checkins_voided_by_users", type_="foreignkey")
        batch.drop_column("void_reason")
        batch.drop_column("voided_by")
        batch.drop_column("voided_at")
