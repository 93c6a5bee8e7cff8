"""The audit trail for what a front end does outside a service (a page read, a report printed)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nervemap.store.audit import AuditLog


def record(db: Session, actor: str, action: str, obj: str | None = None) -> None:
    """One audit line, committed."""
    AuditLog(db).record(actor, action, obj)
    db.commit()
