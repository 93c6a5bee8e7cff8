"""Database fixtures shared by the store and API tests: one migrated database per backend.

SQLite (a temporary file) always; PostgreSQL too when NERVEMAP_TEST_DATABASE_URL is set. Each
test runs inside a transaction on one connection that is rolled back afterwards; the app's own
commits become savepoint releases inside it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, func, make_url, select
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


@contextmanager
def scratch_database(name: str, folder: Path) -> Iterator[str]:
    """An empty database of its own: a new SQLite file, or a new PostgreSQL database dropped after."""
    if name == "sqlite":
        yield f"sqlite:///{(folder / 'scratch.db').as_posix()}"
        return
    server = make_url(os.environ[POSTGRES_ENV])
    database = f"nervemap_scratch_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
        yield server.set(database=database).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{database}" WITH (FORCE)')
    finally:
        admin.dispose()


def row_counts(connection: Connection | Session) -> dict[str, int]:
    return {
        table.name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
        for table in Base.metadata.sorted_tables
    }


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Backend:
    name = str(request.param)
    if name == "sqlite":
        url = f"sqlite:///{(tmp_path_factory.mktemp(name) / 'nervemap.db').as_posix()}"
    else:
        url = os.environ[POSTGRES_ENV]
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
