"""Assessments: create (structured case or clinical text), fetch, list with filters, review."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response

from nervemap.api.schemas import (
    AssessmentInput,
    AssessmentOut,
    AssessmentPage,
    AssessmentSummary,
    DateTimeQuery,
    Review,
    ReviewRequest,
    TextInput,
)
from nervemap.knowledge.models import TriageLevel
from nervemap.server.auth import ClinicianRead, ClinicianWrite
from nervemap.server.deps import KnowledgeDep, SessionDep
from nervemap.server.problems import PROBLEM_RESPONSES, Problem
from nervemap.services import assessments as service
from nervemap.services.assessments import AssessmentFilter, AssessmentRecord, ReviewStatus
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
    knowledge: KnowledgeDep,
) -> Response:
    """Assess a case and store the case, the assessment and who asked."""
    text = payload if isinstance(payload, TextInput) else None
    record = service.create_assessment(
        session,
        created_by=principal.user_id,
        actor=principal.actor,
        case=None if isinstance(payload, TextInput) else payload,
        text=text.text if text else None,
        setting=text.setting.value if text else "primary-care",
        compiled=knowledge,
    )
    return detail_response(record, 201)


@router.get("")
def list_assessments(
    principal: ClinicianRead,
    session: SessionDep,
    triage: TriageLevel | None = None,
    status: ReviewStatus | None = None,
    since: Annotated[DateTimeQuery | None, Query(description="Created at or after (UTC if no zone)")] = None,
    until: Annotated[DateTimeQuery | None, Query(description="Created before (UTC if no zone)")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AssessmentPage:
    """Newest first."""
    where = AssessmentFilter(
        triage=triage.value if triage else None, status=status, since=as_utc(since), until=as_utc(until)
    )
    rows, total = service.list_assessments(session, where, limit, offset, actor=principal.actor)
    return AssessmentPage(items=[summary(r) for r in rows], total=total, limit=limit, offset=offset)


@router.get("/{assessment_id}", response_model=AssessmentOut, responses={**NOT_FOUND})
def get_assessment(assessment_id: uuid.UUID, principal: ClinicianRead, session: SessionDep) -> Response:
    return detail_response(service.get_assessment(session, assessment_id, actor=principal.actor))


@router.post("/{assessment_id}/review", response_model=AssessmentOut, responses={**NOT_FOUND})
def review_assessment(
    assessment_id: uuid.UUID, body: ReviewRequest, principal: ClinicianWrite, session: SessionDep
) -> Response:
    """Mark an assessment reviewed, with a comment (a later review replaces an earlier one)."""
    record = service.review_assessment(
        session, assessment_id, reviewer=principal.user_id, actor=principal.actor, comment=body.comment
    )
    return detail_response(record)
