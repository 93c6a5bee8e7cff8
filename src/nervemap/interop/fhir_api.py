"""FHIR endpoints: the Questionnaires, and $assess on a QuestionnaireResponse or a Bundle.

Responses are ``application/fhir+json``; every error is an OperationOutcome with the HTTP code
FHIR uses: 400 for a malformed or wrong resource, 404 for an unknown Questionnaire, 422 for a
resource that is well formed but cannot be assessed (unknown linkId, unknown codes only...).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse

from nervemap.engine.assess import assess
from nervemap.engine.encode import CaseError
from nervemap.interop.errors import InteropError, Issue, case_issues, operation_outcome
from nervemap.interop.from_bundle import case_from_bundle
from nervemap.interop.from_response import Imported, case_from_response
from nervemap.interop.questionnaire import build_questionnaire, question_set_for
from nervemap.interop.to_bundle import assessment_to_bundle

FHIR_JSON = "application/fhir+json"
Payload = Annotated[dict[str, Any], Body(media_type=FHIR_JSON)]


def fhir_response(content: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(content, status_code=status, media_type=FHIR_JSON)


def outcome(issues: list[Issue], status: int) -> JSONResponse:
    return fhir_response(operation_outcome(issues), status)


def assessed(imported: Imported) -> dict[str, Any]:
    """The output Bundle for an imported case, with the import warnings as notes."""
    assessment = assess(imported.case)
    bundle = assessment_to_bundle(assessment, subject=imported.subject, notes=imported.warnings)
    return bundle.model_dump(mode="json", exclude_none=True)


def _run(read: Any, payload: dict[str, Any]) -> JSONResponse:
    try:
        return fhir_response(assessed(read(payload)))
    except InteropError as error:
        return outcome(error.issues, error.status)
    except CaseError as error:
        return outcome(case_issues(error), 422)


def create_router() -> APIRouter:
    router = APIRouter(prefix="/v1/fhir", tags=["FHIR"])

    @router.get("/Questionnaire/{questionnaire_id}", summary="A nervemap Questionnaire", response_model=None)
    def questionnaire(questionnaire_id: str) -> JSONResponse:
        question_set = question_set_for(questionnaire_id)
        if question_set is None or "/" in questionnaire_id:
            return outcome(
                [Issue("Questionnaire.id", f"no Questionnaire '{questionnaire_id}'", "not-found")], 404
            )
        return fhir_response(build_questionnaire(question_set).model_dump(mode="json", exclude_none=True))

    @router.post(
        "/QuestionnaireResponse/$assess", summary="Assess a QuestionnaireResponse", response_model=None
    )
    def assess_response(payload: Payload) -> JSONResponse:
        return _run(case_from_response, payload)

    @router.post("/Bundle/$assess", summary="Assess a Bundle of Observations", response_model=None)
    def assess_bundle(payload: Payload) -> JSONResponse:
        return _run(case_from_bundle, payload)

    return router


router = create_router()
