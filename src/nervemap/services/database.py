"""The database as the command line handles it (issue 17): migrate it, open a session on it, and the
error of a database path that cannot be used - so the CLI commands reach the store only through here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from nervemap.store.db import WRITE_CLAIMS, DatabasePathError, make_engine, make_sessionmaker
from nervemap.store.migrate import downgrade_database, upgrade_database

__all__ = ["DatabasePathError", "claim_before_writing", "downgrade", "session_on", "upgrade"]


def claim_before_writing(claim: Callable[[], None]) -> None:
    """Have ``claim`` called before any rows are written (a session flush or a group commit), once
    however often it is registered: the API's request time limit refuses a write this way after its
    request was answered 503 (api/timeouts.py), without the API reaching into the store."""
    if claim not in WRITE_CLAIMS:
        WRITE_CLAIMS.append(claim)


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at ``url`` up to ``revision``."""
    upgrade_database(url, revision)


def downgrade(url: str, revision: str = "base") -> None:
    """Migrate the database at ``url`` down to ``revision`` (``base``: drop every table)."""
    downgrade_database(url, revision)


@contextmanager
def session_on(url: str, *, migrate: bool = True) -> Iterator[Session]:
    """A session on the database at ``url`` (migrated to the latest schema first, unless told not to);
    its engine is disposed of when the block ends."""
    if migrate:
        upgrade_database(url)
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            yield session
    finally:
        engine.dispose()
