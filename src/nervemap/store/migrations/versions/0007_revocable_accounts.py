"""Accounts that can be revoked (issue 18): a token generation per user; invitations with a use count.

``users.token_generation`` is written into every bearer token and session cookie and compared on
every request: raising it (logout, deactivation, a password change or reset) ends them all at once.
``patient_links.max_uses`` (NULL: no limit; links issued before this revision keep working as they
did), ``uses`` and ``revoked_at`` make an invitation single-use by default and revocable.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("token_generation", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("patient_links", sa.Column("max_uses", sa.Integer(), nullable=True))
    op.add_column("patient_links", sa.Column("uses", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("patient_links", sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35 has it): a batch rebuild would drop and
    # recreate users and patient_links, which other tables reference, and SQLite's foreign keys
    # refuse that inside the migration's transaction.
    for column in ("revoked_at", "uses", "max_uses"):
        op.drop_column("patient_links", column)
    op.drop_column("users", "token_generation")
