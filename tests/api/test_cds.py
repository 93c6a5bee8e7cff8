"""CDS Hooks through the whole app: authentication, and feedback stored and audited."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nervemap.store.api_keys import ApiKeyRepository
from nervemap.store.cds_feedback import CdsFeedbackRepository
from nervemap.store.models import Scope, User
from tests.api.conftest import assert_problem
from tests.interop.helpers import golden

PATIENT_VIEW = "/cds-services/nervemap-leg-pain"
FEEDBACK = "/cds-services/nervemap-leg-pain/feedback"
WHEN = "2026-12-04T10:00:00Z"


def _card(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(PATIENT_VIEW, json=golden("cds-patient-view-ces.json"), headers=headers)
    assert response.status_code == 200, response.text
    card: dict[str, Any] = response.json()["cards"][0]
    return card


def test_cds_hooks_need_credentials(client: TestClient) -> None:
    assert_problem(client.get("/cds-services"), 401)
    assert_problem(client.post(PATIENT_VIEW, json=golden("cds-patient-view-ces.json")), 401)
    assert_problem(client.post(FEEDBACK, json={"feedback": []}), 401)


def test_accepted_and_overridden_cards_are_stored_and_audited(
    client: TestClient, as_clinician: dict[str, str], as_admin: dict[str, str], session: Session
) -> None:
    card = _card(client, as_clinician)
    accepted = {
        "card": card["uuid"],
        "outcome": "accepted",
        "acceptedSuggestions": [{"id": s["uuid"]} for s in card.get("suggestions", [])[:1]],
        "outcomeTimestamp": WHEN,
    }
    comment = "seen in clinic already; MRI booked yesterday"
    overridden = {
        "card": card["uuid"],
        "outcome": "overridden",
        "overrideReason": {
            "reason": {
                "system": "https://ehr.example.org/override",
                "code": "already-done",
                "display": "Done",
            },
            "userComment": comment,
        },
        "outcomeTimestamp": WHEN,
    }
    response = client.post(FEEDBACK, json={"feedback": [accepted, overridden]}, headers=as_clinician)
    assert response.status_code == 200, response.text
    assert response.json() == {"stored": 2}
    rows = CdsFeedbackRepository(session).for_card(card["uuid"])
    assert sorted(row.outcome for row in rows) == ["accepted", "overridden"]
    stored = next(row for row in rows if row.outcome == "overridden")
    assert (stored.override_system, stored.override_code, stored.user_comment) == (
        "https://ehr.example.org/override",
        "already-done",
        comment,
    )
    assert stored.service_id == "nervemap-leg-pain" and stored.actor.startswith("user:")
    taken = next(row for row in rows if row.outcome == "accepted")
    assert taken.accepted_suggestions == [s["id"] for s in accepted["acceptedSuggestions"]]
    audit = client.get("/v1/audit", params={"object": f"card:{card['uuid']}"}, headers=as_admin).json()
    actions = sorted(event["action"] for event in audit["items"])
    assert actions == ["cds.feedback.accepted", "cds.feedback.overridden"]
    assert comment not in str(audit)


def test_feedback_that_contradicts_itself_or_misses_fields_is_400_and_nothing_stored(
    client: TestClient, as_clinician: dict[str, str], session: Session
) -> None:
    bad = [
        {
            "card": "c1",
            "outcome": "accepted",
            "overrideReason": {"userComment": "x"},
            "outcomeTimestamp": WHEN,
        },
        {
            "card": "c1",
            "outcome": "overridden",
            "acceptedSuggestions": [{"id": "s"}],
            "outcomeTimestamp": WHEN,
        },
        {"card": "c1", "outcome": "ignored", "outcomeTimestamp": WHEN},
        {"card": "c1", "outcome": "accepted", "outcomeTimestamp": "2026-12-04T10:00:00"},  # no zone
        {"card": "c1", "outcome": "accepted"},
    ]
    for item in bad:
        response = client.post(FEEDBACK, json={"feedback": [item]}, headers=as_clinician)
        assert response.status_code == 400, item
        assert response.json()["resourceType"] == "OperationOutcome"
    assert client.post(FEEDBACK, json={"feedback": []}, headers=as_clinician).status_code == 400
    assert CdsFeedbackRepository(session).for_card("c1") == []
    unknown = client.post("/cds-services/nope/feedback", json={"feedback": []}, headers=as_clinician)
    assert unknown.status_code == 404


def test_a_read_only_api_key_calls_services_but_cannot_store_feedback(
    client: TestClient, session: Session, clinician: User
) -> None:
    issued = ApiKeyRepository(session).issue(clinician, [Scope.READ])
    session.commit()
    key = {"X-API-Key": issued.key}
    card = _card(client, key)
    item = {"card": card["uuid"], "outcome": "accepted", "outcomeTimestamp": WHEN}
    assert_problem(client.post(FEEDBACK, json={"feedback": [item]}, headers=key), 403)
    assert CdsFeedbackRepository(session).for_card(card["uuid"]) == []


def test_the_fhir_capability_statement_is_public(client: TestClient) -> None:
    response = client.get("/v1/fhir/metadata")
    assert response.status_code == 200
    assert response.json()["resourceType"] == "CapabilityStatement"
    assert_problem(client.get("/v1/fhir/Questionnaire/nervemap-all"), 401)
