"""A commit SQLite refuses is never reported as stored (review of issue 16's write gate).

The gate's commit listener (store/db.py) commits the driver's connection itself before SQLAlchemy's
own commit call. When SQLite's COMMIT fails and SQLite has already rolled the transaction back
(SQLITE_FULL, SQLITE_IOERR ...), the driver's commit that follows has nothing left to commit and
returns quietly: the listener must raise then, or the write is lost while the caller hears success.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from nervemap.store.audit import AuditLog
from nervemap.store.db import begin_read, make_engine, make_sessionmaker, write_gate
from nervemap.store.migrate import upgrade_database
from nervemap.store.models import AuditEvent

FAIL = {"next_commit": False}


class _DiskFullOnce(sqlite3.Connection):
    """A connection whose next COMMIT fails the way a full disk fails it: rolled back, then refused."""

    def commit(self) -> None:
        if FAIL["next_commit"] and self.in_transaction:
            FAIL["next_commit"] = False
            super().rollback()
            raise sqlite3.OperationalError("database or disk is full")
        super().commit()


def test_a_commit_rolled_back_by_sqlite_is_an_error_and_stores_nothing(tmp_path: Path) -> None:
    database = str(tmp_path / "full.db")
    upgrade_database(f"sqlite:///{database}")
    engine = make_engine(f"sqlite:///{database}", write_timeout_s=2)

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        cparams["factory"] = _DiskFullOnce

    sessions = make_sessionmaker(engine)
    try:
        with sessions() as session:
            AuditLog(session).record("tester", "a write the disk refuses")
            FAIL["next_commit"] = True
            with pytest.raises(sqlite3.OperationalError, match="full"):
                session.commit()
        assert not FAIL["next_commit"]  # the failing commit was reached
        assert not write_gate(database).held
        with sessions() as session:  # nothing stored, and the next writer gets in
            begin_read(session)
            assert session.scalar(select(func.count(AuditEvent.id))) == 0
        with sessions() as session:
            AuditLog(session).record("tester", "a write that is stored")
            session.commit()
        with sessions() as session:
            begin_read(session)
            assert session.scalar(select(func.count(AuditEvent.id))) == 1
    finally:
        FAIL["next_commit"] = False
        engine.dispose()
