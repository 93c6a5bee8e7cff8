"""An app per test on the per-test database transaction, with a clinician, an admin and tokens."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from nervemap.app import create_app
from nervemap.engine.compiled import CompiledKnowledge
from nervemap.knowledge.loader import LoadedKnowledge
from nervemap.server.deps import get_session
from nervemap.settings import Settings
from nervemap.store.models import Role, User
from nervemap.store.passwords import hash_password
from nervemap.store.users import UserRepository
from tests.store.backends import Backend, backend, bound_session, connection, engine, session

__all__ = ["backend", "connection", "engine", "session"]

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "nervemap" / "examples"
PASSWORD = "correct horse battery staple"
MAX_BODY = 64 * 1024


def example(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per run


@pytest.fixture
def settings(tmp_path: Path, backend: Backend) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=backend.url,
        secret_key="test-secret-key",
        migrate_on_startup=False,
        max_body_bytes=MAX_BODY,
    )


AppFactory = Callable[..., FastAPI]


@pytest.fixture
def make_app(settings: Settings, connection: Connection) -> Iterator[AppFactory]:
    """``make_app(knowledge=None)``: ``create_app(settings, knowledge)`` whose requests use a session
    bound to the test's transaction (``get_session`` overridden), its engine disposed after the test."""
    built: list[FastAPI] = []

    def _session() -> Iterator[Session]:
        with bound_session(connection) as session:
            yield session

    def make(knowledge: CompiledKnowledge | LoadedKnowledge | None = None) -> FastAPI:
        app = create_app(settings, knowledge=knowledge)
        app.dependency_overrides[get_session] = _session
        built.append(app)
        return app

    yield make
    for app in built:
        app.state.engine.dispose()


@pytest.fixture
def app(make_app: AppFactory) -> FastAPI:
    return make_app()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def _user(session: Session, email: str, role: Role, password_hash: str) -> User:
    user = UserRepository(session).add(email, role, password_hash)
    session.commit()
    return user


@pytest.fixture
def clinician(session: Session, password_hash: str) -> User:
    return _user(session, "clinician@example.org", Role.CLINICIAN, password_hash)


@pytest.fixture
def admin(session: Session, password_hash: str) -> User:
    return _user(session, "admin@example.org", Role.ADMIN, password_hash)


def bearer(app: FastAPI, user: User) -> dict[str, str]:
    token, _ = app.state.signer.issue(user.id)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def as_clinician(app: FastAPI, clinician: User) -> dict[str, str]:
    return bearer(app, clinician)


@pytest.fixture
def as_admin(app: FastAPI, admin: User) -> dict[str, str]:
    return bearer(app, admin)


def assert_problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status (naming ``field`` if given)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:nervemap:problem:")
    assert body["title"] and body["detail"]
    for error in body["errors"]:
        assert set(error) == {"field", "reason"}
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body
