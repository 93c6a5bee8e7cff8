"""CDS Hooks patient-view shows a follow-up card for an EHR patient whose episode escalated (issue 19)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nervemap.store.models import AssessmentRecord, AuditEvent
from tests.api.test_episodes import _at, _case, _weak
from tests.interop.helpers import golden

Headers = dict[str, str]
PATIENT_VIEW = "/cds-services/nervemap-leg-pain"


def _episode_for(
    client: TestClient, headers: Headers, session: Session, patient_ref: str | None
) -> dict[str, Any]:
    """An episode started five weeks ago (the assessment back-dated in the database)."""
    made = client.post("/v1/assessments", json=_case(), headers=headers)
    assert made.status_code == 201, made.text
    record = session.get(AssessmentRecord, uuid.UUID(made.json()["id"]))
    assert record is not None
    record.created_at = datetime.now(UTC) - timedelta(weeks=5)
    session.commit()
    body: dict[str, Any] = {"assessment_id": made.json()["id"]}
    if patient_ref is not None:
        body["patient_ref"] = patient_ref
    started = client.post("/v1/episodes", json=body, headers=headers)
    assert started.status_code == 201, started.text
    episode: dict[str, Any] = started.json()
    assert episode["patient_ref"] == patient_ref
    return episode


def _foot_drop(client: TestClient, headers: Headers, episode: dict[str, Any]) -> None:
    case = _weak(_case(6), "ankle_dorsiflexion", 2)
    response = client.post(
        f"/v1/episodes/{episode['id']}/checkins", json=case, params={"at": _at(episode, 3)}, headers=headers
    )
    assert response.status_code == 201, response.text
    assert response.json()["episode"]["triage_level"] == "urgent"


def _follow_up_cards(client: TestClient, headers: Headers, patient_id: str) -> list[dict[str, Any]]:
    payload = golden("cds-patient-view-ces.json")
    payload["hookInstance"] = str(uuid.uuid4())
    payload["context"]["patientId"] = patient_id
    payload["prefetch"] = {"patient": None, "observations": None, "conditions": None}  # no EHR data
    response = client.post(PATIENT_VIEW, json=payload, headers=headers)
    assert response.status_code == 200, response.text
    cards: list[dict[str, Any]] = response.json()["cards"]
    return [card for card in cards if "follow-up" in card["summary"]]


def test_an_escalated_episode_gives_its_patient_a_card_until_reviewed(
    client: TestClient, as_clinician: Headers, session: Session
) -> None:
    episode = _episode_for(client, as_clinician, session, "pat-4711")
    assert _follow_up_cards(client, as_clinician, "pat-4711") == []  # nothing escalated yet
    _foot_drop(client, as_clinician, episode)

    [card] = _follow_up_cards(client, as_clinician, "pat-4711")
    assert card["indicator"] == "warning" and card["summary"].startswith("URGENT follow-up")
    assert "weakness" in card["summary"].lower() and card["source"]["url"].startswith("https://")
    assert _follow_up_cards(client, as_clinician, "pat-0815") == []  # another patient sees nothing
    reads = session.scalars(select(AuditEvent).where(AuditEvent.object == f"episode:{episode['id']}"))
    assert "episode.read" in [event.action for event in reads]

    reviewed = client.post(
        f"/v1/episodes/{episode['id']}/review", json={"comment": "seen"}, headers=as_clinician
    )
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["open_escalations"] == []  # the review covers the escalated check-in itself
    assert _follow_up_cards(client, as_clinician, "pat-4711") == []


def test_an_episode_without_a_patient_id_never_reaches_cds(
    client: TestClient, as_clinician: Headers, session: Session
) -> None:
    episode = _episode_for(client, as_clinician, session, None)
    _foot_drop(client, as_clinician, episode)
    assert _follow_up_cards(client, as_clinician, "None") == []


def test_a_patient_id_that_is_not_a_fhir_id_is_refused_naming_the_field(
    client: TestClient, as_clinician: Headers
) -> None:
    made = client.post("/v1/assessments", json=_case(), headers=as_clinician)
    body = {"assessment_id": made.json()["id"], "patient_ref": "pat 1/../x"}
    refused = client.post("/v1/episodes", json=body, headers=as_clinician)
    assert refused.status_code in (400, 422) and "patient_ref" in refused.text
