"""Check-in idempotency keys (issue 19): a retried check-in (same key, same episode) is stored once.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("episode_checkins") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(
            "uq_episode_checkins_episode_id_idempotency_key", ["episode_id", "idempotency_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("episode_checkins") as batch:
        batch.drop_constraint("uq_episode_checkins_episode_id_idempotency_key", type_="unique")
        batch.drop_column("idempotency_key")
