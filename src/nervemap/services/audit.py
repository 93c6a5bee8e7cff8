"""The audit trail for what a front end does outside a service (a page read, a report printed)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nervemap.store.audit import AuditLog
from nervemap.store.db import end_read


def record(db: Session, actor: str, action: str, obj: str | None = None) -> None:
    """One audit line, committed (after a page's read transaction, which it ends first)."""
    end_read(db)
    AuditLog(db).record(actor, action, obj)
    db.commit()
