"""Committed work survives a restart: a new app instance on the same database sees it."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nervemap.app import create_app
from nervemap.settings import Settings
from nervemap.store.migrate import current_revision, head_revision
from nervemap.store.models import Role
from nervemap.store.passwords import hash_password
from nervemap.store.users import UserRepository
from tests.api.conftest import PASSWORD, example
from tests.store.backends import BACKENDS, scratch_database


@pytest.fixture(params=BACKENDS)
def own_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """A database of its own that this test may commit to."""
    with scratch_database(str(request.param), tmp_path) as url:
        yield Settings(data_dir=tmp_path / "data", database_url=url)


def _login(client: TestClient, email: str) -> dict[str, str]:
    token = client.post("/v1/auth/login", json={"email": email, "password": PASSWORD}).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_restart_keeps_committed_assessments(own_database: Settings) -> None:
    first = create_app(own_database)
    with TestClient(first) as client:  # start-up migrates the empty database
        assert current_revision(own_database.sqlalchemy_url()) == head_revision()
        with first.state.sessionmaker() as session:
            UserRepository(session).add("doc@example.org", Role.CLINICIAN, hash_password(PASSWORD))
            session.commit()
        headers = _login(client, "doc@example.org")
        created = client.post("/v1/assessments", json=example("cauda-equina"), headers=headers).json()
    second = create_app(own_database)
    with TestClient(second) as client:
        # the generated secret key was kept in the data folder, so the old token still works
        fetched = client.get(f"/v1/assessments/{created['id']}", headers=headers)
        assert fetched.status_code == 200, fetched.text
        assert fetched.json() == created
    if own_database.database_url and own_database.database_url.startswith("sqlite"):
        assert (own_database.data_dir / "secret_key").stat().st_mode & 0o777 == 0o600


def test_logs_carry_no_patient_text_or_link_tokens(
    own_database: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app = create_app(own_database)
    case = {**example("l5-left-disc"), "id": "Jane Q. Patient 1961-04-02"}
    with TestClient(app) as client:
        with app.state.sessionmaker() as session:
            UserRepository(session).add("doc@example.org", Role.CLINICIAN, hash_password(PASSWORD))
            session.commit()
        headers = _login(client, "doc@example.org")
        created = client.post("/v1/assessments", json=case, headers=headers).json()
        client.post("/v1/assessments", json={**case, "age": "Jane Q. Patient"}, headers=headers)
        link = client.post("/v1/patient-links", json={"assessment_id": created["id"]}, headers=headers).json()
        assert client.get(link["path"]).status_code == 200
        client.get("/v1/assessments", params={"triage": "Jane"}, headers=headers)
    server = [r for r in caplog.records if not r.name.startswith("httpx")]  # not the test's own client
    logged = "\n".join(r.getMessage() for r in server) + json.dumps([r.args for r in server], default=str)
    assert "POST /v1/assessments 201" in logged  # the access log is there...
    for secret in ("Jane", "1961", link["token"], created["id"]):  # ...without identifying text
        assert secret not in logged
