"""A service of its own for the hardening tests: a migrated SQLite file, a clinician, an admin."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from nervemap.app import create_app
from nervemap.settings import Settings
from nervemap.store.migrate import upgrade_database
from nervemap.store.models import Role, User
from nervemap.store.passwords import hash_password
from nervemap.store.users import UserRepository

PASSWORD = "correct horse battery staple"
CLINICIAN_EMAIL = "clinician@example.org"
ADMIN_EMAIL = "admin@example.org"


@dataclass(frozen=True)
class Service:
    app: FastAPI
    settings: Settings
    clinician: dict[str, str]  # headers
    admin: dict[str, str]


def hardening_settings(folder: Path, migrate: bool = True, **overrides: Any) -> Settings:
    url = f"sqlite:///{(folder / 'nervemap.db').as_posix()}"
    if migrate:
        upgrade_database(url)
    values: dict[str, object] = {
        "data_dir": folder,
        "database_url": url,
        "secret_key": "hardening-secret-key",
        "migrate_on_startup": False,
        "max_body_bytes": 64 * 1024,
        **overrides,
    }
    return Settings.model_validate(values)


def _bearer(app: FastAPI, user: User) -> dict[str, str]:
    token, _ = app.state.signer.issue(user.id)
    return {"Authorization": f"Bearer {token}"}


def build_service(folder: Path, **overrides: Any) -> Service:
    settings = hardening_settings(folder, **overrides)
    return seed_users(create_app(settings), settings)


def seed_users(app: FastAPI, settings: Settings) -> Service:
    """A clinician and an admin in the app's database, with bearer-token headers for each."""
    digest = hash_password(PASSWORD)
    with app.state.sessionmaker() as session:
        users = UserRepository(session)
        clinician = users.add(CLINICIAN_EMAIL, Role.CLINICIAN, digest)
        admin = users.add(ADMIN_EMAIL, Role.ADMIN, digest)
        session.commit()
    return Service(app, settings, _bearer(app, clinician), _bearer(app, admin))


@pytest.fixture
def fresh_service(tmp_path: Path) -> Iterator[Service]:
    built = build_service(tmp_path)
    yield built
    built.app.state.engine.dispose()


@pytest.fixture
def client(fresh_service: Service) -> Iterator[TestClient]:
    with TestClient(fresh_service.app) as client:
        yield client
