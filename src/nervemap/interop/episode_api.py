"""GET /v1/episodes/{episode_id}/fhir: a follow-up episode as a FHIR R4B Bundle (issue 19).

The episode is read through ``nervemap.services.episodes`` (which audits the read) and rendered by
:func:`nervemap.interop.episode_bundle.episode_to_bundle` with every check-in's escalations; the
export itself is audited too (``episode.fhir``). Clinicians only, like the other episode reads.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from nervemap.followup.models import CheckinSource, Escalation
from nervemap.interop.episode_bundle import episode_to_bundle
from nervemap.interop.fhir_api import FHIR_JSON, fhir_response
from nervemap.server.auth import ClinicianRead
from nervemap.server.deps import KnowledgeDep, SessionDep
from nervemap.services import audit
from nervemap.services import episodes as service
from nervemap.services.episodes import EpisodeStatus

router = APIRouter(prefix="/v1/episodes", tags=["FHIR"])
BUNDLE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "FHIR R4B Bundle (collection)",
        "content": {FHIR_JSON: {"schema": {"type": "object"}}},
    },
    404: {"description": "Unknown episode (problem details)"},
}


def _source(value: str) -> CheckinSource:
    return "patient" if value == "patient" else "clinician"


@router.get(
    "/{episode_id}/fhir", summary="The episode as a FHIR R4B Bundle", response_model=None, responses=BUNDLE
)
def episode_fhir(
    episode_id: uuid.UUID, principal: ClinicianRead, db: SessionDep, knowledge: KnowledgeDep
) -> JSONResponse:
    """EpisodeOfCare; per check-in an Encounter, a QuestionnaireResponse and Observations (pain LOINC
    72514-3 with the body site, function, MRC grades, triage); a DetectedIssue per escalation."""
    view = service.get_episode(db, episode_id, actor=principal.actor, compiled=knowledge)
    audit.record(db, principal.actor, "episode.fhir", f"episode:{view.episode.id}")
    history = [
        Escalation.model_validate(item) for checkin in view.checkins for item in checkin.escalations or []
    ]
    status: Literal["active", "finished"] = (
        "active" if view.episode.status == EpisodeStatus.OPEN else "finished"
    )
    bundle = episode_to_bundle(
        view.course,
        sources=[_source(checkin.source) for checkin in view.checkins],
        status=status,
        subject={"display": f"nervemap episode {view.episode.id}"},
        episode_id=str(view.episode.id),
        knowledge=knowledge.knowledge,
        issued=view.episode.updated_at,
        escalations=history or None,  # none stored per check-in: the course's own
    )
    return fhir_response(bundle.model_dump(mode="json", exclude_none=True))
