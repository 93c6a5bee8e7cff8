"""Read transactions (issue 16): a plain BEGIN that neither takes nor waits for SQLite's write lock."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from nervemap.store.audit import AuditLog
from nervemap.store.db import ReadOnlyTransaction, begin_read, make_engine, make_sessionmaker
from nervemap.store.migrate import upgrade_database
from nervemap.store.models import AuditEvent


def _database(tmp_path: Path) -> str:
    url = f"sqlite:///{(tmp_path / 'read.db').as_posix()}"
    upgrade_database(url)
    return url


def test_a_read_does_not_wait_for_a_writer_and_sees_the_last_commit(tmp_path: Path) -> None:
    url = _database(tmp_path)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        AuditLog(session).record("cli", "first")
        session.commit()
    writer = sqlite3.connect(tmp_path / "read.db", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # holds the write lock, as a long write would
        writer.execute(
            "INSERT INTO audit_events (at, actor, action) VALUES ('2026-01-01', 'x', 'uncommitted')"
        )
        started = time.monotonic()
        with sessions() as session:
            assert begin_read(session)
            count = session.scalar(select(func.count(AuditEvent.id)))
            session.commit()
        assert count == 1  # the committed row, not the writer's uncommitted one
        assert time.monotonic() - started < 5  # a write transaction would wait up to 30 s
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        engine.dispose()


def test_a_write_in_a_read_transaction_is_refused_and_the_next_transaction_writes(tmp_path: Path) -> None:
    engine = make_engine(_database(tmp_path))
    try:
        with make_sessionmaker(engine)() as session:
            assert begin_read(session)
            assert not begin_read(session)  # already open: keeps its kind
            AuditLog(session).record("cli", "refused")
            with pytest.raises(ReadOnlyTransaction):
                session.flush()
            session.rollback()
            AuditLog(session).record("cli", "written")
            session.commit()
            assert session.scalars(select(AuditEvent.action)).all() == ["written"]
    finally:
        engine.dispose()
