"""Assessments (issue 17): run the engine (and the text reader) on a case or a note, store the result
with who asked, read, list and review stored assessments.

Shared by the API (``api/routers/assessments.py``, ``api/routers/extract.py``), the web pages (the
clinician's note and assessment pages), follow-up episodes (``services/episodes.py``) and the CLI.
A refused case raises :class:`~nervemap.services.errors.Invalid` naming each field (``prefix`` +
the case's own field); a server without the text reader raises
:class:`~nervemap.services.errors.Unavailable`; an unknown id :class:`~nervemap.services.errors.NotFound`.
Reads commit their read transaction, then write their audit line in a short transaction of its own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from nervemap.engine.assess import assess
from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.engine.encode import CaseError
from nervemap.services.errors import Invalid, NotFound, Unavailable
from nervemap.store.assessments import AssessmentFilter, AssessmentRepository
from nervemap.store.audit import AuditLog
from nervemap.store.db import begin_read
from nervemap.store.models import AssessmentRecord, ReviewStatus, SourceKind

if TYPE_CHECKING:
    from nervemap.engine.compiled import CompiledKnowledge
    from nervemap.nlp import Extraction

__all__ = [
    "AssessmentFilter",
    "AssessmentRecord",
    "ReviewStatus",
    "SourceKind",
    "create_assessment",
    "get_assessment",
    "list_assessments",
    "review_assessment",
]
EXTRACTED = "text: extracted "  # where a field of a case read from a note is named


def run_assessment(
    case: Case, field_prefix: str = "body.", compiled: CompiledKnowledge | None = None
) -> Assessment:
    """The engine's assessment of ``case``; a case the engine refuses is :class:`Invalid`."""
    try:
        return assess(case, compiled)
    except CaseError as error:
        raise Invalid.fields(
            f"{len(error.issues)} problem(s) in the case",
            [(field_prefix + issue.field, issue.message) for issue in error.issues],
            title="Invalid case",
        ) from None


def run_extraction(
    text: str, setting: str, field: str = "body.text", compiled: CompiledKnowledge | None = None
) -> Extraction:
    """Read a note with nervemap.nlp (imported only when first needed), with the findings, anatomy
    and reference ranges of ``compiled``'s knowledge base (default: the packaged one)."""
    try:
        from nervemap.nlp import extract
    except ImportError:
        raise Unavailable(
            "this server cannot read clinical text; send a structured case instead",
            [(field, "text extraction is not installed")],
            installed=False,
            kind="not-implemented",
            title="Text extraction unavailable",
        ) from None
    return extract(text, setting=setting, knowledge=compiled.knowledge if compiled is not None else None)


@dataclass(frozen=True)
class Assessed:
    """A case (given, or read from a note) with its assessment and the input as it is stored."""

    case: Case
    assessment: Assessment
    stored: dict[str, Any]
    kind: SourceKind


def assess_input(
    *,
    case: Case | None = None,
    text: str | None = None,
    setting: str = "primary-care",
    prefix: str = "body.",
    compiled: CompiledKnowledge | None = None,
) -> Assessed:
    """Assess a structured case, or a note read into one (the note wins when both are given)."""
    if text is not None:
        case = run_extraction(text, setting, prefix + "text", compiled).case
        assessment = run_assessment(case, prefix + EXTRACTED, compiled)
        stored = {"text": text, "setting": setting, "case": case.model_dump(mode="json")}
        return Assessed(case, assessment, stored, SourceKind.TEXT)
    if case is None:
        raise Invalid(prefix.rstrip(".") or "body", "empty", "a case or a text is needed")
    assessment = run_assessment(case, prefix, compiled)
    return Assessed(case, assessment, case.model_dump(mode="json", exclude_none=True), SourceKind.STRUCTURED)


def create_assessment(
    db: Session,
    *,
    created_by: uuid.UUID,
    actor: str,
    case: Case | None = None,
    text: str | None = None,
    setting: str = "primary-care",
    prefix: str = "body.",
    compiled: CompiledKnowledge | None = None,
) -> AssessmentRecord:
    """Assess and store the input, the assessment and who asked; audited; committed."""
    done = assess_input(case=case, text=text, setting=setting, prefix=prefix, compiled=compiled)
    record = AssessmentRepository(db).add(
        created_by=created_by, source_kind=done.kind, input=done.stored, assessment=done.assessment
    )
    AuditLog(db).record(actor, "assessment.create", f"assessment:{record.id}")
    db.commit()
    return record


def extract_text(
    db: Session, text: str, setting: str, *, actor: str, compiled: CompiledKnowledge | None = None
) -> Extraction:
    """Read a note into a case without assessing or storing it; audited."""
    extraction = run_extraction(text, setting, compiled=compiled)
    AuditLog(db).record(actor, "text.extract")
    db.commit()
    return extraction


def stored(db: Session, assessment_id: uuid.UUID) -> AssessmentRecord | None:
    """The stored assessment or None, not audited: for a part of a page or course already read."""
    return AssessmentRepository(db).get(assessment_id)


def find_assessment(
    db: Session, assessment_id: uuid.UUID | None, field: str = "path.assessment_id"
) -> AssessmentRecord:
    """The stored assessment (no audit line): :class:`NotFound` when there is none."""
    record = AssessmentRepository(db).get(assessment_id) if assessment_id is not None else None
    if record is None:
        raise NotFound.of("assessment", field)
    return record


def get_assessment(
    db: Session, assessment_id: uuid.UUID, *, actor: str, field: str = "path.assessment_id"
) -> AssessmentRecord:
    """An audited read of one stored assessment."""
    begin_read(db)
    record = find_assessment(db, assessment_id, field)
    db.commit()  # the read ends; the audit line is a short write transaction of its own
    AuditLog(db).record(actor, "assessment.read", f"assessment:{record.id}")
    db.commit()
    return record


def list_assessments(
    db: Session, where: AssessmentFilter, limit: int, offset: int, *, actor: str
) -> tuple[list[AssessmentRecord], int]:
    """One page, newest first, and the total; count and page from one snapshot; audited."""
    begin_read(db)  # count and page from one snapshot, without the write lock
    rows, total = AssessmentRepository(db).list(where, limit, offset)
    db.commit()
    AuditLog(db).record(actor, "assessment.list")
    db.commit()
    return rows, total


def review_assessment(
    db: Session,
    assessment_id: uuid.UUID,
    *,
    reviewer: uuid.UUID,
    actor: str,
    comment: str,
    field: str = "path.assessment_id",
) -> AssessmentRecord:
    """Mark an assessment reviewed with a comment (a later review replaces an earlier one); audited."""
    record = find_assessment(db, assessment_id, field)
    AssessmentRepository(db).review(record, reviewer, comment)
    AuditLog(db).record(actor, "assessment.review", f"assessment:{record.id}")
    db.commit()
    return record
