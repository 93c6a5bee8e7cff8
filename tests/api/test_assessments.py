from __future__ import annotations

import sys
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from nervemap.store.models import User
from tests.api.conftest import assert_problem, example
from tests.store.backends import row_counts


def _create(
    client: TestClient, headers: dict[str, str], case: dict[str, Any], query: str = ""
) -> dict[str, Any]:
    response = client.post(f"/v1/assessments{query}", json=case, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_create_stores_case_assessment_and_provenance(
    client: TestClient, as_clinician: dict[str, str], clinician: User
) -> None:
    created = _create(client, as_clinician, example("l5-left-disc"))
    assert created["created_by"] == str(clinician.id)
    assert created["source_kind"] == "structured" and created["status"] == "new"
    assert created["top_condition_id"] == created["output"]["differential"][0]["id"]
    assert created["triage_level"] == created["output"]["triage"]["level"]
    assert created["knowledge_version"] == created["output"]["knowledge_version"]
    fetched = client.get(f"/v1/assessments/{created['id']}", headers=as_clinician)
    assert fetched.status_code == 200
    assert fetched.json() == created
    full = client.get(f"/v1/assessments/{created['id']}?detail=full", headers=as_clinician).json()
    assert full["input"]["id"] == "example-l5-left"


def test_get_unknown_or_malformed_id(client: TestClient, as_clinician: dict[str, str]) -> None:
    assert_problem(
        client.get(f"/v1/assessments/{uuid.uuid4()}", headers=as_clinician), 404, "path.assessment_id"
    )
    assert_problem(client.get("/v1/assessments/not-a-uuid", headers=as_clinician), 422, "path.assessment_id")


def test_list_filters_and_pages(client: TestClient, as_clinician: dict[str, str]) -> None:
    disc = _create(client, as_clinician, example("l5-left-disc"))
    cauda = _create(client, as_clinician, example("cauda-equina"))
    _create(client, as_clinician, example("fibular-neuropathy"))

    def ids(**query: Any) -> list[str]:
        response = client.get("/v1/assessments", params=query, headers=as_clinician)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert len(ids()) == 3
    assert ids(triage="emergency") == [cauda["id"]]
    client.post(f"/v1/assessments/{disc['id']}/review", json={"comment": "agree"}, headers=as_clinician)
    assert ids(status="reviewed") == [disc["id"]]
    assert len(ids(status="new")) == 2
    page = client.get("/v1/assessments", params={"limit": 2, "offset": 2}, headers=as_clinician).json()
    assert page["total"] == 3 and len(page["items"]) == 1 and page["limit"] == 2
    now = datetime.now(UTC)
    assert len(ids(since=(now - timedelta(minutes=5)).isoformat())) == 3
    assert ids(until=(now - timedelta(minutes=5)).isoformat()) == []
    assert ids(since=(now + timedelta(minutes=5)).isoformat()) == []
    for bad in ({"triage": "whenever"}, {"limit": 0}, {"limit": 201}, {"offset": -1}, {"since": "yesterday"}):
        name = next(iter(bad))
        assert_problem(client.get("/v1/assessments", params=bad, headers=as_clinician), 422, f"query.{name}")


def test_review_records_who_when_and_why(
    client: TestClient, as_clinician: dict[str, str], clinician: User
) -> None:
    created = _create(client, as_clinician, example("l5-left-disc"))
    response = client.post(
        f"/v1/assessments/{created['id']}/review", json={"comment": "MRI ordered"}, headers=as_clinician
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "reviewed"
    assert body["review"]["comment"] == "MRI ordered"
    assert body["review"]["reviewed_by"] == str(clinician.id)
    assert_problem(
        client.post(f"/v1/assessments/{uuid.uuid4()}/review", json={"comment": "x"}, headers=as_clinician),
        404,
        "path.assessment_id",
    )
    assert_problem(
        client.post(f"/v1/assessments/{created['id']}/review", json={"comment": ""}, headers=as_clinician),
        422,
        "body.comment",
    )


def test_create_from_clinical_text(client: TestClient, as_clinician: dict[str, str]) -> None:
    pytest.importorskip("nervemap.nlp")
    note = "45 y/o F with LBP radiating to the left lateral calf. SLR positive on the left."
    created = _create(client, as_clinician, {"text": note}, "?detail=full")
    assert created["source_kind"] == "text"
    assert created["input"]["text"] == note
    assert "slr_positive" in {f["id"] for f in created["input"]["case"]["findings"]}


def test_text_without_the_extractor_is_a_501_problem(
    client: TestClient, as_clinician: dict[str, str], monkeypatch: pytest.MonkeyPatch, connection: Connection
) -> None:
    monkeypatch.setitem(sys.modules, "nervemap.nlp", None)  # import now raises ImportError
    before = row_counts(connection)
    assert_problem(
        client.post("/v1/assessments", json={"text": "sciatica"}, headers=as_clinician), 501, "body.text"
    )
    assert_problem(client.post("/v1/extract", json={"text": "sciatica"}, headers=as_clinician), 501)
    assert row_counts(connection) == before
