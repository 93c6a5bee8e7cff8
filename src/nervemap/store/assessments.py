"""Stored assessments: save, fetch, list with filters, record a review."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, func, select
from sqlalchemy.orm import Session, make_transient_to_detached

from nervemap.engine.assessment import Assessment
from nervemap.store.models import AssessmentRecord, ReviewStatus, SourceKind
from nervemap.store.types import utcnow


@dataclass(frozen=True)
class AssessmentFilter:
    triage: str | None = None
    status: ReviewStatus | None = None
    since: datetime | None = None
    until: datetime | None = None


class AssessmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        *,
        created_by: uuid.UUID,
        source_kind: SourceKind,
        input: dict[str, Any],
        assessment: Assessment,
    ) -> AssessmentRecord:
        record = AssessmentRecord(**self.values(created_by, source_kind, input, assessment))
        self.session.add(record)
        self.session.flush()
        return record

    @staticmethod
    def values(
        created_by: uuid.UUID, source_kind: SourceKind, input: dict[str, Any], assessment: Assessment
    ) -> dict[str, Any]:
        """Every column of a new stored assessment (its id and time made here)."""
        return {
            "id": uuid.uuid4(),
            "created_at": utcnow(),
            "created_by": created_by,
            "source_kind": source_kind.value,
            "input": input,
            "output": assessment.model_dump(mode="json", by_alias=True),
            "knowledge_version": assessment.knowledge_version,
            "nervemap_version": assessment.nervemap_version,
            "triage_level": assessment.triage.level.value,
            "top_condition_id": assessment.differential[0].id if assessment.differential else None,
            "status": ReviewStatus.NEW.value,
            "review_comment": None,
            "reviewed_by": None,
            "reviewed_at": None,
        }

    @staticmethod
    def row(values: dict[str, Any]) -> tuple[Table, dict[str, Any]]:
        """:meth:`values` as a row for a group commit (store/group_commit.py)."""
        table: Table = AssessmentRecord.__table__  # type: ignore[assignment]
        return table, values

    @staticmethod
    def stored(values: dict[str, Any]) -> AssessmentRecord:
        """The record of a row a group commit stored: detached, as after its session closed."""
        record = AssessmentRecord(**values)
        make_transient_to_detached(record)
        return record

    def get(self, assessment_id: uuid.UUID) -> AssessmentRecord | None:
        return self.session.get(AssessmentRecord, assessment_id)

    def _filtered(self, query: Select[Any], where: AssessmentFilter) -> Select[Any]:
        if where.triage is not None:
            query = query.where(AssessmentRecord.triage_level == where.triage)
        if where.status is not None:
            query = query.where(AssessmentRecord.status == where.status.value)
        if where.since is not None:
            query = query.where(AssessmentRecord.created_at >= where.since)
        if where.until is not None:
            query = query.where(AssessmentRecord.created_at < where.until)
        return query

    def list(self, where: AssessmentFilter, limit: int, offset: int) -> tuple[list[AssessmentRecord], int]:
        """One page, newest first, and the total number matching the filter."""
        total = self.session.scalar(self._filtered(select(func.count(AssessmentRecord.id)), where)) or 0
        query = self._filtered(select(AssessmentRecord), where)
        query = query.order_by(AssessmentRecord.created_at.desc(), AssessmentRecord.id).limit(limit)
        rows = self.session.scalars(query.offset(offset)).all()
        return list(rows), int(total)

    def review(self, record: AssessmentRecord, reviewer: uuid.UUID, comment: str) -> AssessmentRecord:
        record.status = ReviewStatus.REVIEWED.value
        record.review_comment = comment
        record.reviewed_by = reviewer
        record.reviewed_at = utcnow()
        self.session.flush()
        return record
