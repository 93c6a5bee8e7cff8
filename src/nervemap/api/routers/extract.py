"""POST /v1/extract: read a clinical note into a case, without assessing or storing it."""

from __future__ import annotations

from fastapi import APIRouter

from nervemap.api.auth import ClinicianWrite
from nervemap.api.deps import SessionDep
from nervemap.api.engine import run_extraction
from nervemap.api.problems import PROBLEM_RESPONSES, Problem
from nervemap.api.schemas import ExtractionOut, TextInput
from nervemap.store.audit import AuditLog

router = APIRouter(prefix="/v1", tags=["extract"], responses=PROBLEM_RESPONSES)


@router.post("/extract", responses={501: {"model": Problem, "description": "No text reader"}})
def extract_case(body: TextInput, principal: ClinicianWrite, session: SessionDep) -> ExtractionOut:
    extraction = run_extraction(body.text, body.setting.value)
    AuditLog(session).record(principal.actor, "text.extract")
    session.commit()
    return ExtractionOut(
        case=extraction.case,
        items=[item.model_dump(mode="json") for item in extraction.items],
        warnings=list(extraction.warnings),
    )
