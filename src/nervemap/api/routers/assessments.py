"""Assessments: create (structured case or clinical text), fetch, list with filters, review."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response

from nervemap.api.auth import ClinicianRead, ClinicianWrite
from nervemap.api.deps import SessionDep
from nervemap.api.engine import run_assessment, run_extraction
from nervemap.api.problems import PROBLEM_RESPONSES, Problem, not_found
from nervemap.api.schemas import (
    AssessmentInput,
    AssessmentOut,
    AssessmentPage,
    AssessmentSummary,
    Review,
    ReviewRequest,
    TextInput,
)
from nervemap.knowledge.models import TriageLevel
from nervemap.store.assessments import AssessmentFilter, AssessmentRepository
from nervemap.store.audit import AuditLog
from nervemap.store.db import begin_read
from nervemap.store.models import AssessmentRecord, ReviewStatus, SourceKind
from nervemap.store.types import as_utc

router = APIRouter(prefix="/v1/assessments", tags=["assessments"], responses=PROBLEM_RESPONSES)
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "Unknown id"}}
TEXT_UNAVAILABLE: dict[int | str, dict[str, Any]] = {501: {"model": Problem, "description": "No text reader"}}


def _summary_fields(record: AssessmentRecord) -> dict[str, Any]:
    review = None
    if record.reviewed_by is not None and record.reviewed_at is not None:
        review = Review(
            comment=record.review_comment or "",
            reviewed_by=record.reviewed_by,
            reviewed_at=record.reviewed_at,
        )
    return dict(
        id=record.id,
        created_at=record.created_at,
        created_by=record.created_by,
        source_kind=record.source_kind,
        status=record.status,
        triage_level=record.triage_level,
        top_condition_id=record.top_condition_id,
        knowledge_version=record.knowledge_version,
        nervemap_version=record.nervemap_version,
        review=review,
    )


def summary(record: AssessmentRecord) -> AssessmentSummary:
    return AssessmentSummary(**_summary_fields(record))


def detail_response(record: AssessmentRecord, status_code: int = 200) -> Response:
    """The record as ``AssessmentOut`` JSON, its ``output`` served as stored, not re-validated.

    The stored output is trusted: the engine built it as a validated ``Assessment`` and
    ``AssessmentRepository.add`` stored its JSON dump. Validating it again on every read (and
    FastAPI validating the response model once more) cost more than the rest of the request;
    ``tests/api/test_stored_json.py`` checks that the stored JSON is what validation gives.
    """
    document = summary(record).model_dump(mode="json")
    document["input"] = record.input
    document["output"] = record.output
    content = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(content=content.encode(), status_code=status_code, media_type="application/json")


@router.post("", status_code=201, response_model=AssessmentOut, responses={**TEXT_UNAVAILABLE})
def create_assessment(
    payload: Annotated[AssessmentInput, Body(description='A Case, or {"text": ...} to read a note')],
    principal: ClinicianWrite,
    session: SessionDep,
) -> Response:
    """Assess a case and store the case, the assessment and who asked."""
    if isinstance(payload, TextInput):
        case = run_extraction(payload.text, payload.setting.value).case
        assessment = run_assessment(case, field_prefix="body.text: extracted ")
        stored = {
            "text": payload.text,
            "setting": payload.setting.value,
            "case": case.model_dump(mode="json"),
        }
        kind = SourceKind.TEXT
    else:
        assessment = run_assessment(payload)
        stored = payload.model_dump(mode="json", exclude_none=True)
        kind = SourceKind.STRUCTURED
    record = AssessmentRepository(session).add(
        created_by=principal.user_id, source_kind=kind, input=stored, assessment=assessment
    )
    AuditLog(session).record(principal.actor, "assessment.create", f"assessment:{record.id}")
    session.commit()
    return detail_response(record, 201)


@router.get("")
def list_assessments(
    principal: ClinicianRead,
    session: SessionDep,
    triage: TriageLevel | None = None,
    status: ReviewStatus | None = None,
    since: Annotated[datetime | None, Query(description="Created at or after (UTC if no zone)")] = None,
    until: Annotated[datetime | None, Query(description="Created before (UTC if no zone)")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AssessmentPage:
    """Newest first."""
    where = AssessmentFilter(
        triage=triage.value if triage else None, status=status, since=as_utc(since), until=as_utc(until)
    )
    begin_read(session)  # count and page from one snapshot, without the write lock
    rows, total = AssessmentRepository(session).list(where, limit, offset)
    session.commit()
    AuditLog(session).record(principal.actor, "assessment.list")
    session.commit()
    return AssessmentPage(items=[summary(r) for r in rows], total=total, limit=limit, offset=offset)


@router.get("/{assessment_id}", response_model=AssessmentOut, responses={**NOT_FOUND})
def get_assessment(assessment_id: uuid.UUID, principal: ClinicianRead, session: SessionDep) -> Response:
    begin_read(session)
    record = AssessmentRepository(session).get(assessment_id)
    if record is None:
        raise not_found("assessment", "path.assessment_id")
    session.commit()  # the read ends; the audit line is a short write transaction of its own
    AuditLog(session).record(principal.actor, "assessment.read", f"assessment:{record.id}")
    session.commit()
    return detail_response(record)


@router.post("/{assessment_id}/review", response_model=AssessmentOut, responses={**NOT_FOUND})
def review_assessment(
    assessment_id: uuid.UUID, body: ReviewRequest, principal: ClinicianWrite, session: SessionDep
) -> Response:
    """Mark an assessment reviewed, with a comment (a later review replaces an earlier one)."""
    repository = AssessmentRepository(session)
    record = repository.get(assessment_id)
    if record is None:
        raise not_found("assessment", "path.assessment_id")
    repository.review(record, principal.user_id, body.comment)
    AuditLog(session).record(principal.actor, "assessment.review", f"assessment:{record.id}")
    session.commit()
    return detail_response(record)
