"""CDS Hooks services: patient-view (leg-pain assessment) and order-select / order-sign (lumbar imaging).

The services read the Patient, their recent Observations and Conditions from the prefetch; a key
sent as null means no data, a key left out or sent as an OperationOutcome is read from the
``fhirServer`` when it is configured for the caller, else 412 (see ``nervemap.interop.cds_prefetch``).
Errors are OperationOutcomes: 400 naming the missing context or the resource of the wrong type, 412
naming the prefetch key that could not be had, 404 for an unknown service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy.orm import Session

from nervemap.engine.assess import assess
from nervemap.engine.compiled import CompiledKnowledge, default_compiled
from nervemap.engine.encode import CaseError
from nervemap.interop.cds_cards import ALERTING, Card, assessment_card, course_card, imaging_card
from nervemap.interop.cds_config import CdsClient, CdsConfig
from nervemap.interop.cds_prefetch import complete_prefetch
from nervemap.interop.errors import (
    InteropError,
    Issue,
    case_issues,
    issues_from_validation,
    operation_outcome,
)
from nervemap.interop.from_bundle import case_from_resources
from nervemap.interop.imaging import imaging_orders
from nervemap.interop.parse import describe, parse_any, parse_as
from nervemap.server.deps import KnowledgeDep, SessionDep
from nervemap.services import cds_feedback
from nervemap.services.cds_feedback import NewFeedback
from nervemap.services.episodes import escalated_courses_of_patient

PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}&_sort=-date&_count=200",
    "conditions": "Condition?patient={{context.patientId}}&_count=200",
}
BUNDLE_KEYS = {"observations": ("Observation",), "conditions": ("Condition",)}


@dataclass(frozen=True)
class Service:
    id: str
    hook: str
    title: str
    description: str
    orders: bool = False

    def discovery(self) -> dict[str, Any]:
        return {
            "hook": self.hook,
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "prefetch": PREFETCH,
            "usageRequirements": "Send the prefetch (null for a key with no data). A key not sent is "
            "read from fhirServer with fhirAuthorization only when that server is configured for the "
            "client; otherwise the call gets 412. Authenticate with a client JWT (ES384/RS384, keys "
            "configured for the client), a nervemap bearer token or an X-API-Key. Feedback is stored.",
        }


SERVICES = {
    service.id: service
    for service in (
        Service(
            "nervemap-leg-pain",
            "patient-view",
            "nervemap: leg pain from the lumbar spine?",
            "Explainable assessment of leg pain: source (spinal or not), root or nerve, differential, "
            "red-flag triage and guideline plan, from the patient's coded findings.",
        ),
        Service(
            "nervemap-lumbar-imaging-select",
            "order-select",
            "nervemap: lumbar spine imaging",
            "Checks a lumbar MRI, CT or X-ray order against red flags and NICE NG59 (no routine imaging "
            "for low back pain or sciatica without red flags); flags suspected cauda equina.",
            orders=True,
        ),
        Service(
            "nervemap-lumbar-imaging-sign",
            "order-sign",
            "nervemap: lumbar spine imaging (at signing)",
            "As nervemap-lumbar-imaging-select, when the orders are signed.",
            orders=True,
        ),
    )
}


def cds_config(request: Request) -> CdsConfig:
    """The CDS clients and FHIR servers configured for this app (none when not configured)."""
    config = getattr(request.app.state, "cds_config", None)
    return config if isinstance(config, CdsConfig) else CdsConfig()


def cds_client(request: Request) -> CdsClient | None:
    """The CDS client whose JWT authenticated this request, if it was one."""
    client = getattr(request.state, "cds_client", None)
    return client if isinstance(client, CdsClient) else None


def _fail(issues: list[Issue], status: int) -> JSONResponse:
    return JSONResponse(operation_outcome(issues), status_code=status)


def _bundle_resources(value: Any, key: str, allowed: tuple[str, ...]) -> list[tuple[Resource, str]]:
    where = f"prefetch.{key}"
    if value is None:
        return []  # the client has no data for this key
    bundle = parse_as(value if not isinstance(value, dict) else {**value, "entry": []}, Bundle, where)
    del bundle  # the shell is valid; entries are checked one by one below
    resources: list[tuple[Resource, str]] = []
    for i, entry in enumerate(value.get("entry") or []):
        data = entry.get("resource") if isinstance(entry, dict) else None
        here = f"{where}.entry[{i}].resource"
        if data is None or (isinstance(data, dict) and data.get("resourceType") == "OperationOutcome"):
            continue  # search outcome messages
        resource = parse_any(data, here)
        if resource.get_resource_type() not in allowed:
            raise InteropError(
                [Issue(here, f"expected {' or '.join(allowed)}, got {describe(data)}", "structure")], 400
            )
        resources.append((resource, here))
    return resources


def _require(payload: dict[str, Any], service: Service) -> dict[str, Any]:
    """The context, after checking everything the service needs is there; raises naming what is not."""
    missing: list[Issue] = []
    if payload.get("hook") != service.hook:
        missing.append(
            Issue("hook", f"service '{service.id}' answers '{service.hook}', got {payload.get('hook')!r}")
        )
    if not payload.get("hookInstance"):
        missing.append(Issue("hookInstance", "missing", "required"))
    context = payload.get("context")
    if not isinstance(context, dict):
        missing.append(Issue("context", "missing: the hook context is required", "required"))
        context = {}
    elif not context.get("patientId"):
        missing.append(Issue("context.patientId", "missing", "required"))
    if service.orders and isinstance(payload.get("context"), dict) and "draftOrders" not in context:
        missing.append(
            Issue("context.draftOrders", "missing: the orders being placed are required", "required")
        )
    if missing:
        raise InteropError(missing, 400)
    return context


def _draft_orders(context: dict[str, Any]) -> list[tuple[ServiceRequest, str]]:
    orders: list[tuple[ServiceRequest, str]] = []
    draft = context.get("draftOrders")
    entries = draft.get("entry") or [] if isinstance(draft, dict) else []
    if not isinstance(draft, dict) or draft.get("resourceType") != "Bundle":
        raise InteropError(
            [Issue("context.draftOrders", f"expected a Bundle, got {describe(draft)}", "structure")], 400
        )
    for i, entry in enumerate(entries):
        data = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(data, dict) and data.get("resourceType") == "ServiceRequest":
            order = parse_as(data, ServiceRequest, f"context.draftOrders.entry[{i}].resource")
            orders.append(
                (order, f"ServiceRequest/{order.id}" if order.id else str(entry.get("fullUrl", "")))
            )
    return orders


def _cards(
    service: Service,
    payload: dict[str, Any],
    config: CdsConfig,
    client: CdsClient | None = None,
    compiled: CompiledKnowledge | None = None,
) -> list[Card]:
    """The cards of one call, assessed with ``compiled`` (the app's knowledge; the bundled one when
    not given)."""
    compiled = compiled or default_compiled()
    kb = compiled.knowledge
    context = _require(payload, service)
    patient_id = str(context["patientId"])
    prefetch = complete_prefetch(payload, PREFETCH, patient_id, config, client)
    resources: list[tuple[Resource, str]] = []
    if prefetch["patient"] is not None:
        patient = parse_as(prefetch["patient"], Patient, "prefetch.patient")
        if patient.id and patient.id != patient_id:
            raise InteropError(
                [
                    Issue(
                        "prefetch.patient.id",
                        f"Patient/{patient.id} is not context.patientId {patient_id}",
                        "value",
                    )
                ],
                400,
            )
        resources.append((patient, "prefetch.patient"))
    for key, allowed in BUNDLE_KEYS.items():
        resources += _bundle_resources(prefetch[key], key, allowed)
    orders = imaging_orders(_draft_orders(context), context.get("selections")) if service.orders else []
    try:
        imported = case_from_resources(resources, compiled, case_id=None)
    except InteropError as error:
        if all(issue.code == "code-invalid" for issue in error.issues):
            return []  # nothing nervemap knows about this patient: no card, not an error
        raise
    assessment = assess(imported.case, compiled)
    cards: list[Card] = []
    if not service.orders or assessment.triage.level in ALERTING:
        cards.append(assessment_card(kb, assessment, patient_id, imaging_ordered=bool(orders)))
    if service.orders:
        warning = imaging_card(kb, assessment, orders)
        if warning is not None:
            cards.append(warning)
    return cards


def _follow_up_cards(
    session: Session,
    payload: dict[str, Any],
    config: CdsConfig,
    actor: str,
    compiled: CompiledKnowledge | None = None,
) -> list[Card]:
    """One card per open follow-up episode of this patient (episodes started with the EHR's patient id)
    whose check-ins escalated and no clinician has reviewed yet: the rule, its guideline, what changed."""
    compiled = compiled or default_compiled()
    kb = compiled.knowledge
    patient_id = str(payload["context"]["patientId"])  # _cards has checked the context
    base = config.public_base_url.rstrip("/") if config.public_base_url else None
    cards: list[Card] = []
    for episode_id, course in escalated_courses_of_patient(
        session, patient_id, actor=actor, compiled=compiled
    ):
        card = course_card(kb, course, f"{base}/clinic/episodes/{episode_id}" if base else None)
        if card is not None:
            cards.append(card)
    return cards


class Coding(BaseModel):
    model_config = ConfigDict(extra="ignore")

    system: str | None = Field(default=None, max_length=255)
    code: str = Field(min_length=1, max_length=100)
    display: str | None = Field(default=None, max_length=255)


class OverrideReason(BaseModel):
    model_config = ConfigDict(extra="ignore")

    reason: Coding | None = None
    userComment: str | None = Field(default=None, max_length=2000)


class AcceptedSuggestion(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=64)


class FeedbackItem(BaseModel):
    """One card outcome (CDS Hooks 2.0 §Feedback)."""

    model_config = ConfigDict(extra="ignore")

    card: str = Field(min_length=1, max_length=64, description="The card's uuid")
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: list[AcceptedSuggestion] = Field(default=[], max_length=50)
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: AwareDatetime

    @model_validator(mode="after")
    def _consistent(self) -> FeedbackItem:
        if self.outcome == "accepted" and self.overrideReason is not None:
            raise ValueError("an accepted card has no overrideReason")
        if self.outcome == "overridden" and self.acceptedSuggestions:
            raise ValueError("an overridden card has no acceptedSuggestions")
        return self

    def stored(self, service_id: str) -> NewFeedback:
        reason = self.overrideReason.reason if self.overrideReason else None
        return NewFeedback(
            service_id=service_id,
            card_uuid=self.card,
            outcome=self.outcome,
            outcome_at=self.outcomeTimestamp,
            accepted_suggestions=tuple(s.id for s in self.acceptedSuggestions),
            override_system=reason.system if reason else None,
            override_code=reason.code if reason else None,
            override_display=reason.display if reason else None,
            user_comment=self.overrideReason.userComment if self.overrideReason else None,
        )


class Feedback(BaseModel):
    model_config = ConfigDict(extra="ignore")

    feedback: list[FeedbackItem] = Field(min_length=1, max_length=100)


def store_feedback(session: Session, service: Service, body: Feedback, actor: str) -> int:
    """Every outcome stored and audited (card uuid and outcome only: the comment is not audited)."""
    return cds_feedback.store_feedback(session, [item.stored(service.id) for item in body.feedback], actor)


def _outcome_response(description: str) -> dict[str, Any]:
    schema = {"type": "object", "description": "FHIR R4B OperationOutcome", "required": ["resourceType"]}
    problem = {"type": "object", "description": "RFC 9457 problem (unparsable body)"}
    content = {"application/json": {"schema": schema}, "application/problem+json": {"schema": problem}}
    return {"description": description, "content": content}


CALL_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _outcome_response("Malformed request: missing context, wrong resource type (OperationOutcome)"),
    404: _outcome_response("No such CDS service (OperationOutcome)"),
    412: _outcome_response("Prefetch neither sent nor readable from fhirServer (OperationOutcome)"),
}
FEEDBACK_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _outcome_response("Malformed feedback (OperationOutcome)"),
    404: _outcome_response("No such CDS service (OperationOutcome)"),
}


def create_router() -> APIRouter:
    router = APIRouter(tags=["CDS Hooks"])

    @router.get("/cds-services", summary="CDS Hooks discovery")
    def discovery() -> dict[str, Any]:
        return {"services": [service.discovery() for service in SERVICES.values()]}

    @router.post(
        "/cds-services/{service_id}",
        summary="Call a CDS Hooks service",
        response_model=None,
        responses=CALL_ERRORS,
    )
    def call(
        service_id: str,
        payload: Annotated[dict[str, Any], Body()],
        request: Request,
        session: SessionDep,
        knowledge: KnowledgeDep,
    ) -> dict[str, Any] | JSONResponse:
        service = SERVICES.get(service_id)
        if service is None:
            return _fail([Issue("service", f"no CDS service '{service_id}'", "not-found")], 404)
        try:
            config = cds_config(request)
            cards = _cards(service, payload, config, cds_client(request), knowledge)
            if service.hook == "patient-view":
                actor = getattr(request.state, "cds_actor", None)
                cards += _follow_up_cards(
                    session, payload, config, actor if isinstance(actor, str) else "cds", knowledge
                )
            return {"cards": cards}
        except InteropError as error:
            return _fail(error.issues, error.status)
        except CaseError as error:
            return _fail(case_issues(error), 422)

    @router.post(
        "/cds-services/{service_id}/feedback",
        summary="Feedback on a card (CDS Hooks 2.0)",
        response_model=None,
        responses=FEEDBACK_ERRORS,
    )
    def feedback(
        service_id: str, payload: Annotated[dict[str, Any], Body()], request: Request, session: SessionDep
    ) -> dict[str, Any] | JSONResponse:
        service = SERVICES.get(service_id)
        if service is None:
            return _fail([Issue("service", f"no CDS service '{service_id}'", "not-found")], 404)
        try:
            body = Feedback.model_validate(payload)
        except ValidationError as error:
            return _fail(issues_from_validation(error, "feedback"), 400)
        actor = getattr(request.state, "cds_actor", None)
        if not isinstance(actor, str):  # the app always sets it; a bare router has no caller to name
            return _fail([Issue("Authorization", "no authenticated caller", "required")], 401)
        return {"stored": store_feedback(session, service, body, actor)}

    return router


router = create_router()
