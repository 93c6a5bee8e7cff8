"""Drop patient_links.interview_state (issue 17): no reader or writer; interviews have their own table (0002).

Nothing read or wrote the column: an interview started from a link keeps its answers in
``interviews``. The downgrade adds it back empty (NULL), as it was for every link.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), as 0007 does: a batch rebuild would drop and
    # recreate patient_links, which interviews references, and SQLite's foreign keys refuse that.
    op.drop_column("patient_links", "interview_state")


def downgrade() -> None:
    op.add_column("patient_links", sa.Column("interview_state", sa.JSON(), nullable=True))
