"""Group commit (issue 16, store/group_commit.py), session 8: a batch that fails on an unreachable
database is answered at once, a PostgreSQL writer's statements are bounded in time, and queued rows
are written when the process exits."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from nervemap.store import group_commit
from nervemap.store.audit import AuditLog
from nervemap.store.db import make_engine
from nervemap.store.group_commit import GroupCommit, _Pending, encoded
from nervemap.store.migrate import upgrade_database
from nervemap.store.models import AssessmentRecord, AuditEvent
from tests.store.backends import BACKENDS, scratch_database
from tests.store.test_group_commit import _count, _engine, _rows


class _FailingBatch(GroupCommit):
    """A writer whose every transaction fails, counting its attempts."""

    attempts = 0

    def _commit(self, batch: list[_Pending]) -> None:
        self.attempts += 1
        raise OperationalError("INSERT", {}, Exception("the database went away"))


def test_a_failed_batch_on_an_unreachable_database_is_answered_at_once(tmp_path: Path) -> None:
    """Whether its rows went in cannot be asked, and a retry of each request alone would fail the
    same way, one after the other: every request hears the batch's error, after one attempt."""
    unreachable = create_engine(f"sqlite:///{(tmp_path / 'no' / 'such' / 'folder.db').as_posix()}")
    writer = _FailingBatch(unreachable)
    batch = [_Pending(encoded(_rows(uuid.uuid4(), f"user:{n}")[1])) for n in range(3)]
    writer._write(batch)
    assert writer.attempts == 1
    for pending in batch:
        with pytest.raises(OperationalError):
            pending.done.result(timeout=0)
    unreachable.dispose()


class _BadRowBatch(GroupCommit):
    """A writer whose every transaction fails on a row (a constraint), counting its attempts."""

    attempts = 0

    def _commit(self, batch: list[_Pending]) -> None:
        self.attempts += 1
        raise IntegrityError("INSERT", {}, Exception("a row breaks a constraint"))


def test_a_batch_failed_by_a_row_retries_each_request_alone(tmp_path: Path) -> None:
    """One bad row fails only its own request: the others are written again one by one."""
    engine, _, user_id = _engine(tmp_path)
    try:
        writer = _BadRowBatch(engine)
        batch = [_Pending(encoded(_rows(user_id, f"user:{n}")[1])) for n in range(3)]
        writer._write(batch)
        assert writer.attempts == 1 + 3  # the database answered "not stored" for each
        assert all(isinstance(pending.done.exception(timeout=0), IntegrityError) for pending in batch)
    finally:
        engine.dispose()


def test_a_batch_failed_by_the_database_is_not_retried_request_by_request(tmp_path: Path) -> None:
    """A statement timeout behind a lock or a dropped connection (OperationalError) on a database that
    still answers: written again alone, each request would wait the same limit in turn while every
    later request timed out behind it (H10's review of 4e56333), so each hears the error at once."""
    engine, _, user_id = _engine(tmp_path)
    try:
        writer = _FailingBatch(engine)
        batch = [_Pending(encoded(_rows(user_id, f"user:{n}")[1])) for n in range(3)]
        writer._write(batch)
        assert writer.attempts == 1
        assert all(isinstance(pending.done.exception(timeout=0), OperationalError) for pending in batch)
    finally:
        engine.dispose()


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="PostgreSQL: scripts/with_postgres.sh")
def test_a_postgresql_writer_blocked_by_a_lock_is_answered_in_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No write gate bounds a PostgreSQL transaction: the writer's statement time does."""
    monkeypatch.setattr(group_commit, "POSTGRESQL_TIMEOUT", "SET LOCAL statement_timeout = 300")
    with scratch_database("postgresql", tmp_path) as url:
        upgrade_database(url)
        engine = make_engine(url)
        try:
            writer = GroupCommit(engine)
            with engine.connect() as holder:
                holder.execute(text("LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE"))
                started = time.monotonic()
                with pytest.raises(OperationalError):
                    writer.write([AuditLog.row("user:1", "blocked")])
                assert time.monotonic() - started < 10
                holder.rollback()
            assert _count(engine, AuditEvent) == 0
        finally:
            engine.dispose()


EXIT_SCRIPT = """
import sys, time
from nervemap.store.audit import AuditLog
from nervemap.store.db import make_engine
from nervemap.store.group_commit import GroupCommit

class Slow(GroupCommit):
    def _commit(self, batch):
        time.sleep(0.5)  # still writing when the main thread ends
        super()._commit(batch)

writer = Slow(make_engine(sys.argv[1]))
for number in range(3):
    writer.submit([AuditLog.row(f"user:{number}", "queued at exit")])
sys.exit(0)  # no wait: the rows are queued, the writer thread (a daemon) is busy
"""


def test_rows_queued_when_the_process_exits_are_written(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'exit.db').as_posix()}"
    upgrade_database(url)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(EXIT_SCRIPT), url], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    engine = make_engine(url)
    try:
        assert _count(engine, AuditEvent) == 3
    finally:
        engine.dispose()


def test_close_writes_what_is_queued_and_stops_the_thread(tmp_path: Path) -> None:
    engine, _, user_id = _engine(tmp_path)
    try:
        writer = GroupCommit(engine, idle_s=60)
        futures = [writer.submit(_rows(user_id, f"user:{n}")[1]) for n in range(5)]
        thread = writer._thread
        assert thread is not None
        assert writer.close(timeout_s=30)
        assert not thread.is_alive() and writer._thread is None
        assert all(done.done() and done.exception() is None for done in futures)
        writer.write(_rows(user_id, "user:after")[1])  # a later write starts a thread again
        assert _count(engine, AssessmentRecord) == 6
        assert writer.close(timeout_s=30)
    finally:
        engine.dispose()


def test_close_does_not_wait_for_another_process_writer() -> None:
    writer = GroupCommit(create_engine("sqlite://"))
    writer._thread = threading.Thread(target=lambda: None)  # as if inherited from a parent process
    writer._pid = -1
    assert writer.close(timeout_s=0)
