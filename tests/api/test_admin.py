from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from nervemap.store.models import User
from tests.api.conftest import assert_problem, example
from tests.store.backends import row_counts


def test_admin_creates_a_user_who_can_log_in(client: TestClient, as_admin: dict[str, str]) -> None:
    body = {"email": "New.Doctor@example.org", "role": "clinician", "password": "a long enough password"}
    response = client.post("/v1/users", json=body, headers=as_admin)
    assert response.status_code == 201, response.text
    assert response.json()["email"] == "new.doctor@example.org"
    assert "password" not in response.text
    login = client.post("/v1/auth/login", json={"email": body["email"], "password": body["password"]})
    assert login.status_code == 200


def test_user_creation_refuses_duplicates_and_weak_input(
    client: TestClient, as_admin: dict[str, str], clinician: User, connection: Connection
) -> None:
    before = row_counts(connection)
    dup = {"email": clinician.email, "role": "admin", "password": "a long enough password"}
    assert_problem(client.post("/v1/users", json=dup, headers=as_admin), 409, "body.email")
    weak = {"email": "x@example.org", "role": "clinician", "password": "short"}
    assert_problem(client.post("/v1/users", json=weak, headers=as_admin), 422, "body.password")
    role = {"email": "x@example.org", "role": "superuser", "password": "a long enough password"}
    assert_problem(client.post("/v1/users", json=role, headers=as_admin), 422, "body.role")
    assert row_counts(connection) == before


def test_audit_trail_records_actions_without_patient_text(
    client: TestClient, as_admin: dict[str, str], as_clinician: dict[str, str], clinician: User
) -> None:
    created = client.post("/v1/assessments", json=example("l5-left-disc"), headers=as_clinician).json()
    client.get(f"/v1/assessments/{created['id']}", headers=as_clinician)
    response = client.get("/v1/audit", headers=as_admin)
    assert response.status_code == 200, response.text
    actions = [(e["actor"], e["action"], e["object"]) for e in response.json()["items"]]
    actor = f"user:{clinician.id}"
    assert (actor, "assessment.create", f"assessment:{created['id']}") in actions
    assert (actor, "assessment.read", f"assessment:{created['id']}") in actions
    filtered = client.get("/v1/audit", params={"action": "assessment.read"}, headers=as_admin).json()
    assert filtered["total"] == 1
    by_object = client.get(
        "/v1/audit", params={"object": f"assessment:{created['id']}"}, headers=as_admin
    ).json()
    assert by_object["total"] == 2
    assert "example-l5-left" not in response.text
    assert_problem(client.get("/v1/audit", params={"limit": 0}, headers=as_admin), 422, "query.limit")
