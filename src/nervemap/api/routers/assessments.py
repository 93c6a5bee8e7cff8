"""Assessments: create (structured case or clinical text), fetch, list with filters, review."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

import pydantic_core
from fastapi import APIRouter, Body, Query, Response

from nervemap.api.schemas import (
    AssessmentHeadlineOut,
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
DETAIL_HELP = (
    "headline (default): every conclusion with the top evidence of the leading ones, the first plan steps, "
    "no input (at most a few KB); full: the whole stored record with every evidence item"
)
DetailQuery = Annotated[Literal["headline", "full"], Query(description=DETAIL_HELP)]
ONE_OF_TWO = AssessmentHeadlineOut | AssessmentOut  # as ?detail= asks


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


def detail_response(
    record: AssessmentRecord, status_code: int = 200, detail: Literal["headline", "full"] = "full"
) -> Response:
    """The record as JSON: its headline (``AssessmentHeadlineOut``), or the whole ``AssessmentOut``.

    The stored output is trusted: the engine built it as a validated ``Assessment`` and
    ``AssessmentRepository.add`` stored its JSON dump. It is served as stored - not validated
    again (nor by FastAPI's response model): that cost more than the rest of the request.
    ``tests/api/test_stored_json.py`` checks that the stored JSON is what validation gives, and
    ``tests/api/test_headline_answer.py`` that the headline is what its model describes.
    """
    document = summary(record).model_dump(mode="json")
    if detail == "full":
        document["detail"] = "full"
        document["input"] = record.input
        document["output"] = record.output
    else:
        output, omitted = service.headline_output(record.output)
        document["detail"] = "headline"
        document["full"] = f"/v1/assessments/{record.id}?detail=full"
        document["omitted"] = omitted
        document["output"] = output
    content = pydantic_core.to_json(document)  # compact UTF-8, as json.dumps(separators=(",", ":")); faster
    return Response(content=content, status_code=status_code, media_type="application/json")


@router.post("", status_code=201, response_model=ONE_OF_TWO, responses={**TEXT_UNAVAILABLE})
def create_assessment(
    payload: Annotated[AssessmentInput, Body(description='A Case, or {"text": ...} to read a note')],
    principal: ClinicianWrite,
    session: SessionDep,
    knowledge: KnowledgeDep,
    detail: DetailQuery = "headline",
) -> Response:
    """Assess a case and store the case, the assessment and who asked.

    Answers the headline by default (``?detail=full``: the whole record, as stored)."""
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
    return detail_response(record, 201, detail)


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


@router.get("/{assessment_id}", response_model=ONE_OF_TWO, responses={**NOT_FOUND})
def get_assessment(
    assessment_id: uuid.UUID, principal: ClinicianRead, session: SessionDep, detail: DetailQuery = "headline"
) -> Response:
    """One stored assessment: its headline by default, ``?detail=full`` for the whole record."""
    return detail_response(
        service.get_assessment(session, assessment_id, actor=principal.actor), detail=detail
    )


@router.post("/{assessment_id}/review", response_model=ONE_OF_TWO, responses={**NOT_FOUND})
def review_assessment(
    assessment_id: uuid.UUID,
    body: ReviewRequest,
    principal: ClinicianWrite,
    session: SessionDep,
    detail: DetailQuery = "headline",
) -> Response:
    """Mark an assessment reviewed, with a comment (a later review replaces an earlier one)."""
    record = service.review_assessment(
        session, assessment_id, reviewer=principal.user_id, actor=principal.actor, comment=body.comment
    )
    return detail_response(record, detail=detail)
