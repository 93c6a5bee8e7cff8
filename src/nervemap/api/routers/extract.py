"""POST /v1/extract: read a clinical note into a case, without assessing or storing it."""

from __future__ import annotations

from fastapi import APIRouter

from nervemap.api.schemas import ExtractionOut, TextInput
from nervemap.server.auth import ClinicianWrite
from nervemap.server.deps import KnowledgeDep, SessionDep
from nervemap.server.problems import PROBLEM_RESPONSES, Problem
from nervemap.services import assessments as service

router = APIRouter(prefix="/v1", tags=["extract"], responses=PROBLEM_RESPONSES)


@router.post("/extract", responses={501: {"model": Problem, "description": "No text reader"}})
def extract_case(
    body: TextInput, principal: ClinicianWrite, session: SessionDep, knowledge: KnowledgeDep
) -> ExtractionOut:
    extraction = service.extract_text(
        session, body.text, body.setting.value, actor=principal.actor, compiled=knowledge
    )
    return ExtractionOut(
        case=extraction.case,
        items=[item.model_dump(mode="json") for item in extraction.items],
        warnings=list(extraction.warnings),
    )
