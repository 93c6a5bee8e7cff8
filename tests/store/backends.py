"""Database fixtures shared by the store and API tests: one migrated database per backend.

SQLite (a temporary file) always; PostgreSQL too when NERVEMAP_TEST_DATABASE_URL is set. Each
test runs inside a transaction on one connection that is rolled back afterwards; the app's own
commits become savepoint releases inside it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, delete, func, select
from sqlalchemy.orm import Session

from nervemap.store.db import make_engine
from nervemap.store.migrate import downgrade_database, upgrade_database
from nervemap.store.models import Base

POSTGRES_ENV = "NERVEMAP_TEST_DATABASE_URL"
BACKENDS = ["sqlite", *(["postgresql"] if os.environ.get(POSTGRES_ENV) else [])]


@dataclass(frozen=True)
class Backend:
    name: str
    url: str


def fresh_url(name: str, folder: Path) -> str:
    """A database URL that nothing else uses right now (a new file, or the PostgreSQL test URL)."""
    if name == "sqlite":
        return f"sqlite:///{(folder / 'nervemap.db').as_posix()}"
    return os.environ[POSTGRES_ENV]


def wipe(url: str) -> None:
    """Delete every row (children first), keeping the schema."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(delete(table))
    finally:
        engine.dispose()


def row_counts(connection: Connection | Session) -> dict[str, int]:
    return {
        table.name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
        for table in Base.metadata.sorted_tables
    }


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Backend:
    name = str(request.param)
    url = fresh_url(name, tmp_path_factory.mktemp(name))
    if name != "sqlite":
        downgrade_database(url)  # start from empty
    upgrade_database(url)
    return Backend(name, url)


@pytest.fixture(scope="session")
def engine(backend: Backend) -> Iterator[Engine]:
    engine = make_engine(backend.url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


def bound_session(connection: Connection) -> Session:
    return Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    with bound_session(connection) as session:
        yield session
