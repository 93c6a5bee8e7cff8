from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nervemap.store.models import PatientLink
from nervemap.store.patient_links import hash_token
from nervemap.store.types import utcnow
from tests.api.conftest import assert_problem, example


def _assessment(client: TestClient, headers: dict[str, str], name: str) -> dict[str, Any]:
    response = client.post("/v1/assessments?detail=full", json=example(name), headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _link(client: TestClient, headers: dict[str, str], assessment_id: str, **extra: Any) -> dict[str, Any]:
    response = client.post(
        "/v1/patient-links", json={"assessment_id": assessment_id, **extra}, headers=headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_patient_sees_their_own_result_in_plain_language(
    client: TestClient, as_clinician: dict[str, str], session: Session
) -> None:
    created = _assessment(client, as_clinician, "l5-left-disc")
    link = _link(client, as_clinician, created["id"])
    stored = session.scalars(select(PatientLink)).all()
    assert [row.token_hash for row in stored] == [hash_token(link["token"])]  # the token is not stored
    view = client.get(link["path"])  # no credentials
    assert view.status_code == 200, view.text
    body = view.json()
    assert set(body) == {
        "urgency",
        "advice",
        "headline",
        "certainty",
        "likely_source",
        "likely_causes",
        "severity",
        "enough_information",
        "assessed_at",
        "disclaimer",
    }
    top = created["output"]["differential"][0]
    assert body["likely_causes"][0]["name"] == top["patient_name"]
    assert top["patient_name"] in body["headline"]  # one source of truth: the same ranked assessment
    assert "L5 nerve root" in body["likely_source"] and "left" in body["likely_source"]
    assert created["output"]["triage"]["patient_advice"] == body["advice"]
    text = view.text
    for clinician_only in ("example-l5-left", top["id"], "icd10", "weight", created["id"]):
        assert clinician_only not in text


def test_a_link_shows_only_its_own_assessment(client: TestClient, as_clinician: dict[str, str]) -> None:
    disc = _assessment(client, as_clinician, "l5-left-disc")
    cauda = _assessment(client, as_clinician, "cauda-equina")
    disc_view = client.get(_link(client, as_clinician, disc["id"])["path"]).json()
    cauda_view = client.get(_link(client, as_clinician, cauda["id"])["path"]).json()
    assert disc_view["advice"] == disc["output"]["triage"]["patient_advice"]
    assert cauda_view["advice"] == cauda["output"]["triage"]["patient_advice"]
    assert disc_view["advice"] != cauda_view["advice"]
    # a link's token cannot be pointed at another assessment: ids are not part of the URL
    token = _link(client, as_clinician, disc["id"])["token"]
    assert_problem(client.get(f"/v1/patient/{cauda['id']}"), 404, "path.token")
    assert_problem(client.get(f"/v1/patient/{token}/../{cauda['id']}"), 404)


def test_tampered_and_unknown_tokens_are_404(client: TestClient, as_clinician: dict[str, str]) -> None:
    created = _assessment(client, as_clinician, "l5-left-disc")
    token = _link(client, as_clinician, created["id"])["token"]
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (flipped, token[:-1], token + "x", "x" * 500):
        assert_problem(client.get(f"/v1/patient/{bad}"), 404, "path.token")


def test_an_expired_link_is_refused(
    client: TestClient, as_clinician: dict[str, str], session: Session
) -> None:
    created = _assessment(client, as_clinician, "l5-left-disc")
    link = _link(client, as_clinician, created["id"], expires_in_hours=1)
    assert client.get(link["path"]).status_code == 200
    session.execute(update(PatientLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert_problem(client.get(link["path"]), 410, "path.token")


def test_link_creation_validates_its_input(client: TestClient, as_clinician: dict[str, str]) -> None:
    created = _assessment(client, as_clinician, "l5-left-disc")
    for bad in (0, -1, 24 * 91, "soon"):
        response = client.post(
            "/v1/patient-links",
            json={"assessment_id": created["id"], "expires_in_hours": bad},
            headers=as_clinician,
        )
        assert_problem(response, 422, "body.expires_in_hours")
