"""FHIR endpoints: the CapabilityStatement, the Questionnaires, and $assess on a QuestionnaireResponse
or a Bundle.

Responses are ``application/fhir+json``; every error is an OperationOutcome with the HTTP code
FHIR uses: 400 for a malformed or wrong resource, 404 for an unknown Questionnaire, 422 for a
resource that is well formed but cannot be assessed (unknown linkId, unknown codes only...).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationdefinition import OperationDefinition

from nervemap import __version__
from nervemap.engine.assess import assess
from nervemap.engine.compiled import CompiledKnowledge
from nervemap.engine.encode import CaseError
from nervemap.interop import terminology as t
from nervemap.interop.checkin_questionnaire import CHECKIN_QUESTIONNAIRE_ID, checkin_questionnaire
from nervemap.interop.codesystems import SYSTEMS, code_system
from nervemap.interop.definitions import BY_ID, extension_definition
from nervemap.interop.errors import InteropError, Issue, case_issues, operation_outcome
from nervemap.interop.from_bundle import case_from_bundle
from nervemap.interop.from_response import Imported, case_from_response
from nervemap.interop.items import QuestionSet
from nervemap.interop.questionnaire import build_questionnaire, question_set_for, questionnaire_id
from nervemap.interop.to_bundle import assessment_to_bundle
from nervemap.knowledge import default_knowledge
from nervemap.knowledge.models import KnowledgeBase
from nervemap.server.deps import KnowledgeDep

FHIR_JSON = "application/fhir+json"
BUILT = datetime.now(UTC).date().isoformat()  # the statement's date: when this server started
ASSESS_DOC = (
    "Assess leg pain from a QuestionnaireResponse to a nervemap Questionnaire, or from a Bundle of "
    "Patient, Observation and Condition resources; answers a collection Bundle (ClinicalImpression, "
    "Conditions, RiskAssessment, Observations)."
)
Payload = Annotated[dict[str, Any], Body(media_type=FHIR_JSON)]


def fhir_response(content: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(content, status_code=status, media_type=FHIR_JSON)


def outcome(issues: list[Issue], status: int) -> JSONResponse:
    return fhir_response(operation_outcome(issues), status)


def assessed(imported: Imported, compiled: CompiledKnowledge | None = None) -> dict[str, Any]:
    """The output Bundle for an imported case, with the import warnings as notes; assessed with
    ``compiled`` (the app's knowledge base; the bundled one when not given)."""
    assessment = assess(imported.case, compiled)
    bundle = assessment_to_bundle(
        assessment,
        subject=imported.subject,
        notes=imported.warnings,
        knowledge=compiled.knowledge if compiled is not None else None,
    )
    return bundle.model_dump(mode="json", exclude_none=True)


def _run(read: Any, payload: dict[str, Any], compiled: CompiledKnowledge) -> JSONResponse:
    """Import ``payload`` with ``read(payload, compiled)`` and assess it, both with ``compiled``."""
    try:
        return fhir_response(assessed(read(payload, compiled), compiled))
    except InteropError as error:
        return outcome(error.issues, error.status)
    except CaseError as error:
        return outcome(case_issues(error), 422)


ASSESS_OPERATION = f"{t.BASE}/OperationDefinition/assess"
SECURITY = (
    "Every interaction except this CapabilityStatement needs a nervemap bearer token (POST "
    "/v1/auth/login) or an X-API-Key header with the read scope."
)


def capability_statement(kb: KnowledgeBase | None = None) -> dict[str, Any]:
    """What this server does, as a CapabilityStatement (R4B), validated by its model."""
    kb = kb or default_knowledge().knowledge
    assess_op = [{"name": "assess", "definition": ASSESS_OPERATION, "documentation": ASSESS_DOC}]
    statement = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": BUILT,
        "publisher": "nervemap",
        "kind": "instance",
        "software": {"name": "nervemap", "version": __version__},
        "implementation": {
            "description": f"nervemap decision support for leg pain, knowledge base {kb.version}"
        },
        "fhirVersion": t.FHIR_VERSION,
        "format": [FHIR_JSON, "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Decision support, not a diagnosis. Errors are OperationOutcomes.",
                "security": {"description": SECURITY},
                "resource": [
                    {
                        "type": "Questionnaire",
                        "interaction": [{"code": "read"}],
                        "documentation": "Ids: "
                        + ", ".join(
                            [
                                *(questionnaire_id(question_set) for question_set in QuestionSet),
                                CHECKIN_QUESTIONNAIRE_ID,
                            ]
                        ),
                    },
                    {"type": "QuestionnaireResponse", "operation": assess_op},
                    {"type": "Bundle", "operation": assess_op},
                    {
                        "type": "OperationDefinition",
                        "interaction": [{"code": "read"}],
                        "documentation": "assess",
                    },
                    {
                        "type": "CodeSystem",
                        "interaction": [{"code": "read"}],
                        "documentation": "nervemap's code systems: " + ", ".join(sorted(SYSTEMS)),
                    },
                    {
                        "type": "StructureDefinition",
                        "interaction": [{"code": "read"}],
                        "documentation": "nervemap's extensions: " + ", ".join(sorted(BY_ID)),
                    },
                ],
            }
        ],
    }
    return CapabilityStatement.model_validate(statement).model_dump(mode="json", exclude_none=True)


def assess_operation() -> dict[str, Any]:
    """The OperationDefinition of ``$assess`` (type level, on QuestionnaireResponse and Bundle)."""
    definition = {
        "resourceType": "OperationDefinition",
        "id": "assess",
        "url": ASSESS_OPERATION,
        "version": __version__,
        "name": "Assess",
        "title": "nervemap leg-pain assessment",
        "status": "active",
        "kind": "operation",
        "date": BUILT,
        "publisher": "nervemap",
        "description": ASSESS_DOC,
        "affectsState": False,
        "code": "assess",
        "resource": ["QuestionnaireResponse", "Bundle"],
        "system": False,
        "type": True,
        "instance": False,
        "inputProfile": None,
        "parameter": [
            {
                "name": "resource",
                "use": "in",
                "min": 1,
                "max": "1",
                "documentation": "The request body itself: a QuestionnaireResponse to a nervemap "
                "Questionnaire (POST /QuestionnaireResponse/$assess) or a Bundle of Patient, Observation "
                "and Condition resources (POST /Bundle/$assess). Errors: OperationOutcome, 400 "
                "malformed, 422 nothing nervemap can assess.",
                "type": "Resource",
            },
            {
                "name": "return",
                "use": "out",
                "min": 1,
                "max": "1",
                "documentation": "A collection Bundle: ClinicalImpression, Conditions, RiskAssessment "
                "(probability scale stated), Observations for triage, severity and P(spinal).",
                "type": "Bundle",
            },
        ],
    }
    return OperationDefinition.model_validate(
        {k: v for k, v in definition.items() if v is not None}
    ).model_dump(mode="json", exclude_none=True)


def create_metadata_router() -> APIRouter:
    """``GET /v1/fhir/metadata`` and the ``$assess`` OperationDefinition: public, as FHIR servers
    publish their capabilities to anyone."""
    router = APIRouter(prefix="/v1/fhir", tags=["FHIR"])

    statement = {
        "description": "The CapabilityStatement",
        "content": {FHIR_JSON: {"schema": {"type": "object"}}},
    }

    @router.get("/metadata", summary="CapabilityStatement", response_model=None, responses={200: statement})
    def metadata(knowledge: KnowledgeDep) -> JSONResponse:
        return fhir_response(capability_statement(knowledge.knowledge))

    @router.get(
        "/OperationDefinition/assess",
        summary="OperationDefinition of $assess",
        response_model=None,
        responses={
            200: {
                "description": "The OperationDefinition",
                "content": {FHIR_JSON: {"schema": {"type": "object"}}},
            }
        },
    )
    def operation_definition() -> JSONResponse:
        return fhir_response(assess_operation())

    @router.get(
        "/CodeSystem/{system_id}",
        summary="A nervemap CodeSystem",
        response_model=None,
        responses={
            200: {"description": "The CodeSystem", "content": {FHIR_JSON: {"schema": {"type": "object"}}}},
            404: {
                "description": "No such CodeSystem (OperationOutcome)",
                "content": {FHIR_JSON: {"schema": {"type": "object"}}},
            },
        },
    )
    def code_system_read(system_id: str, knowledge: KnowledgeDep) -> JSONResponse:
        found = code_system(system_id, knowledge.knowledge)
        if found is None:
            return outcome([Issue("CodeSystem.id", f"no CodeSystem '{system_id}'", "not-found")], 404)
        return fhir_response(found)

    @router.get(
        "/StructureDefinition/{definition_id}",
        summary="StructureDefinition of a nervemap extension",
        response_model=None,
        responses={
            200: {
                "description": "The StructureDefinition",
                "content": {FHIR_JSON: {"schema": {"type": "object"}}},
            },
            404: {
                "description": "No such StructureDefinition (OperationOutcome)",
                "content": {FHIR_JSON: {"schema": {"type": "object"}}},
            },
        },
    )
    def structure_definition(definition_id: str) -> JSONResponse:
        spec = BY_ID.get(definition_id)
        if spec is None:
            return outcome(
                [Issue("StructureDefinition.id", f"no StructureDefinition '{definition_id}'", "not-found")],
                404,
            )
        return fhir_response(extension_definition(spec))

    return router


def _documented(description: str, problem: bool = False) -> dict[str, Any]:
    """An answer in OpenAPI: a FHIR resource, and for refusals of an unreadable body also the
    RFC 9457 problem the app's body parser gives."""
    content: dict[str, Any] = {FHIR_JSON: {"schema": {"type": "object", "required": ["resourceType"]}}}
    if problem:
        content["application/problem+json"] = {"schema": {"type": "object"}}
    return {"description": description, "content": content}


QUESTIONNAIRE_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: _documented("The Questionnaire"),
    404: _documented("No such Questionnaire (OperationOutcome)"),
}
ASSESS_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: _documented("A collection Bundle with the assessment"),
    400: _documented("Malformed resource or wrong resource type (OperationOutcome)", problem=True),
    422: _documented(
        "Well formed but not assessable: unknown linkId or codes (OperationOutcome)", problem=True
    ),
}


def create_router() -> APIRouter:
    router = APIRouter(prefix="/v1/fhir", tags=["FHIR"])

    @router.get(
        "/Questionnaire/{questionnaire_id}",
        summary="A nervemap Questionnaire",
        response_model=None,
        responses=QUESTIONNAIRE_ANSWERS,
    )
    def questionnaire(questionnaire_id: str, knowledge: KnowledgeDep) -> JSONResponse:
        kb = knowledge.knowledge
        if questionnaire_id == CHECKIN_QUESTIONNAIRE_ID:  # what a follow-up check-in's response answers
            return fhir_response(checkin_questionnaire(kb).model_dump(mode="json", exclude_none=True))
        question_set = question_set_for(questionnaire_id)
        if question_set is None or "/" in questionnaire_id:
            return outcome(
                [Issue("Questionnaire.id", f"no Questionnaire '{questionnaire_id}'", "not-found")], 404
            )
        return fhir_response(build_questionnaire(question_set, kb).model_dump(mode="json", exclude_none=True))

    @router.post(
        "/QuestionnaireResponse/$assess",
        summary="Assess a QuestionnaireResponse",
        response_model=None,
        responses=ASSESS_ANSWERS,
    )
    def assess_response(payload: Payload, knowledge: KnowledgeDep) -> JSONResponse:
        return _run(case_from_response, payload, knowledge)

    @router.post(
        "/Bundle/$assess",
        summary="Assess a Bundle of Observations",
        response_model=None,
        responses=ASSESS_ANSWERS,
    )
    def assess_bundle(payload: Payload, knowledge: KnowledgeDep) -> JSONResponse:
        return _run(case_from_bundle, payload, knowledge)

    return router


router = create_router()
metadata_router = create_metadata_router()
