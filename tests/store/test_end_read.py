"""store.db.end_read (issue 16): ends a read transaction so the next statement writes; leaves a write
transaction (and its pending changes) alone."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from nervemap.store.audit import AuditLog
from nervemap.store.db import begin_read, end_read, make_engine, make_sessionmaker
from nervemap.store.migrate import upgrade_database
from nervemap.store.models import AuditEvent


def test_end_read_ends_a_read_and_leaves_a_write_alone(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'read.db').as_posix()}"
    upgrade_database(url)
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            assert not end_read(session)  # nothing open
            assert begin_read(session)
            session.scalars(select(AuditEvent)).all()
            assert end_read(session) and not session.in_transaction()
            AuditLog(session).record("cli", "after a read")  # a write transaction again: not refused
            session.flush()
            assert not end_read(session)  # a write transaction keeps its pending line
            session.rollback()
            assert session.scalars(select(AuditEvent.action)).all() == []
    finally:
        engine.dispose()
