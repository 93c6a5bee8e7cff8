from __future__ import annotations

import time

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from nervemap.store.api_keys import ApiKeyRepository
from nervemap.store.models import Scope, User
from tests.api.conftest import PASSWORD, assert_problem, bearer
from tests.store.backends import row_counts


def test_login_gives_a_working_expiring_token(client: TestClient, clinician: User) -> None:
    response = client.post("/v1/auth/login", json={"email": "Clinician@Example.org", "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_at"]
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get("/v1/assessments", headers=headers).status_code == 200


def test_bad_credentials_are_refused_and_change_nothing(
    client: TestClient, clinician: User, connection: Connection
) -> None:
    before = row_counts(connection)
    for body in (
        {"email": "clinician@example.org", "password": "wrong password"},
        {"email": "nobody@example.org", "password": PASSWORD},
    ):
        assert_problem(client.post("/v1/auth/login", json=body), 401, "body.password")
    assert_problem(
        client.post("/v1/auth/login", json={"email": "not-an-email", "password": "x"}), 422, "body.email"
    )
    assert row_counts(connection) == before


def test_expired_and_tampered_tokens_are_refused(app: FastAPI, client: TestClient, clinician: User) -> None:
    old, _ = app.state.signer.issue(clinician.id, now=time.time() - 10 * 3600)
    assert_problem(client.get("/v1/assessments", headers={"Authorization": f"Bearer {old}"}), 401)
    good = bearer(app, clinician)["Authorization"]
    payload, mac = good.removeprefix("Bearer ").split(".")
    tampered = f"{payload[:-2]}AA.{mac}"
    assert_problem(client.get("/v1/assessments", headers={"Authorization": f"Bearer {tampered}"}), 401)


def test_a_token_stops_working_when_the_user_is_deactivated(
    app: FastAPI, client: TestClient, clinician: User, session: Session
) -> None:
    headers = bearer(app, clinician)
    clinician.active = False
    session.merge(clinician)
    session.commit()
    assert_problem(client.get("/v1/assessments", headers=headers), 401)


def test_api_keys_act_for_their_owner_within_their_scopes(
    client: TestClient, clinician: User, session: Session
) -> None:
    keys = ApiKeyRepository(session)
    reader = keys.issue(clinician, [Scope.READ])
    revoked = keys.issue(clinician, [Scope.READ, Scope.WRITE])
    keys.revoke(revoked.record.id)
    session.commit()
    assert client.get("/v1/assessments", headers={"X-API-Key": reader.key}).status_code == 200
    assert_problem(client.post("/v1/assessments", json={}, headers={"X-API-Key": reader.key}), 403)
    assert_problem(client.get("/v1/assessments", headers={"X-API-Key": revoked.key}), 401, "header.X-API-Key")
