"""The computed step of an interview (issue 16): the next question and why, kept with its state.

Reading an interview (GET) then shows the stored step instead of replaying the answers and
ranking every open question again. Null: not stored (older rows); it is computed on first use.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("interviews", sa.Column("step", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), as 0008 does.
    op.drop_column("interviews", "step")
