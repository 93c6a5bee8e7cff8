"""The audit trail: append and query; there is no update or delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from nervemap.store.models import AuditEvent
from nervemap.store.types import utcnow


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    object: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, actor: str, action: str, object: str | None = None) -> None:
        self.session.add(AuditEvent(actor=actor, action=action, object=object))

    @staticmethod
    def row(actor: str, action: str, object: str | None = None) -> tuple[Table, dict[str, Any]]:
        """The same line as :meth:`record`, as a row for a group commit (store/group_commit.py)."""
        table: Table = AuditEvent.__table__  # type: ignore[assignment]
        return table, {"at": utcnow(), "actor": actor, "action": action, "object": object}

    def query(self, where: AuditFilter, limit: int, offset: int) -> tuple[list[AuditEvent], int]:
        conditions = []
        if where.actor is not None:
            conditions.append(AuditEvent.actor == where.actor)
        if where.action is not None:
            conditions.append(AuditEvent.action == where.action)
        if where.object is not None:
            conditions.append(AuditEvent.object == where.object)
        if where.since is not None:
            conditions.append(AuditEvent.at >= where.since)
        if where.until is not None:
            conditions.append(AuditEvent.at < where.until)
        total = self.session.scalar(select(func.count(AuditEvent.id)).where(*conditions)) or 0
        query = select(AuditEvent).where(*conditions).order_by(AuditEvent.id.desc())
        rows = self.session.scalars(query.limit(limit).offset(offset)).all()
        return list(rows), int(total)
