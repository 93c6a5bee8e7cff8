"""GET /v1/episodes/{id}/fhir: a stored follow-up episode as a FHIR R4B Bundle, every check-in's
escalation on the encounter of its own check-in; clinicians only; the export is audited."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from fhir.resources.R4B import get_fhir_model_class
from sqlalchemy import select
from sqlalchemy.orm import Session

from nervemap.interop import terminology as t
from nervemap.store.models import AuditEvent
from tests.api.conftest import assert_problem
from tests.api.test_episodes import Headers, _case, _checkin, _start, _weak


def _of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_episode_bundle_holds_each_checkin_and_the_escalation_where_it_fired(
    client: TestClient, as_clinician: Headers, session: Session
) -> None:
    episode = _start(client, as_clinician, session, weeks_ago=6)
    _checkin(client, as_clinician, episode, _case(6), weeks=1.5)
    dropped = _checkin(client, as_clinician, episode, _weak(_case(6), "ankle_dorsiflexion", 2), weeks=3)
    rules = {e["rule_id"] for e in dropped["escalations"]}
    _checkin(client, as_clinician, episode, _weak(_case(5), "ankle_dorsiflexion", 2), weeks=4)

    response = client.get(f"/v1/episodes/{episode['id']}/fhir", headers=as_clinician)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    bundle = response.json()
    assert bundle["type"] == "collection"
    for entry in bundle["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    (care,) = _of(bundle, "EpisodeOfCare")
    assert care["status"] == "active" and care["identifier"][0]["value"] == episode["id"]
    encounters = _of(bundle, "Encounter")
    assert len(encounters) == 4
    urls = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    issues = _of(bundle, "DetectedIssue")
    assert {i["code"]["coding"][0]["code"] for i in issues} == rules
    for issue in issues:  # the rule fired at week 3: the third encounter, not the latest
        assert urls[issue["implicated"][0]["reference"]] is encounters[2]
    pain = [
        o["valueQuantity"]["value"]
        for o in _of(bundle, "Observation")
        if o["code"]["coding"][0] == t.triple(t.PAIN_NRS) and o["bodySite"]["text"] == "leg"
    ]
    assert pain == [7, 6, 6, 5]
    audited = session.scalars(
        select(AuditEvent.action).where(AuditEvent.object == f"episode:{episode['id']}")
    )
    assert "episode.fhir" in set(audited)


def test_an_unknown_episode_is_a_404_problem(client: TestClient, as_clinician: Headers) -> None:
    response = client.get("/v1/episodes/00000000-0000-4000-8000-000000000000/fhir", headers=as_clinician)
    assert_problem(response, 404)
