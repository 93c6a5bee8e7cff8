"""SQLite writers in line (issue 16): the write gate belongs to a connection's transaction, not a thread.

It is taken at BEGIN IMMEDIATE and given back at commit, rollback or close - whichever thread does
it - and a writer that cannot have it in time gets WriteBusy (a 503 problem), not a hang.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from nervemap.server.errors import status_of
from nervemap.store.audit import AuditLog
from nervemap.store.db import WriteBusy, begin_read, make_engine, make_sessionmaker, write_gate
from nervemap.store.migrate import upgrade_database
from nervemap.store.models import AuditEvent


def _engine(tmp_path: Path, timeout_s: float = 20.0) -> tuple[Engine, str]:
    database = str(tmp_path / "gate.db")
    upgrade_database(f"sqlite:///{database}")
    return make_engine(f"sqlite:///{database}", write_timeout_s=timeout_s), database


def _count(engine: Engine) -> int:
    with make_sessionmaker(engine)() as session:
        begin_read(session)
        return int(session.scalar(select(func.count(AuditEvent.id))) or 0)


def test_many_threads_write_in_line_and_the_gate_is_free_after(tmp_path: Path) -> None:
    engine, database = _engine(tmp_path)
    sessions = make_sessionmaker(engine)

    def writes(worker: int) -> None:
        for n in range(15):
            with sessions() as session:
                AuditLog(session).record(f"worker:{worker}", f"write {n}")
                session.commit()

    try:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(writes, range(8)))
        assert _count(engine) == 8 * 15
        assert not write_gate(database).held
    finally:
        engine.dispose()


def test_a_transaction_begun_in_one_thread_and_ended_in_another_gives_the_gate_back(tmp_path: Path) -> None:
    engine, database = _engine(tmp_path, timeout_s=5)
    sessions = make_sessionmaker(engine)
    gate = write_gate(database)
    session = sessions()
    try:
        # began in a thread-pool thread (a sync dependency), ends in another (the endpoint's thread)
        with ThreadPoolExecutor(1) as first:
            first.submit(lambda: AuditLog(session).record("a", "begun") or session.flush()).result()
        assert gate.held
        with ThreadPoolExecutor(1) as second:
            second.submit(session.commit).result()
        assert not gate.held
        started = time.monotonic()
        with sessions() as other:  # the next writer, in this thread, gets in at once
            AuditLog(other).record("b", "next")
            other.commit()
        assert time.monotonic() - started < 1
        assert _count(engine) == 2
    finally:
        session.close()
        engine.dispose()


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_a_rollback_or_a_closed_session_gives_the_gate_back(tmp_path: Path, end: str) -> None:
    engine, database = _engine(tmp_path, timeout_s=5)
    sessions = make_sessionmaker(engine)
    session = sessions()
    try:
        AuditLog(session).record("a", "dropped")
        session.flush()
        assert write_gate(database).held
        done = threading.Thread(target=session.rollback if end == "rollback" else session.close)
        done.start()
        done.join()
        assert not write_gate(database).held
        with sessions() as other:
            AuditLog(other).record("b", "kept")
            other.commit()
        assert _count(engine) == 1
    finally:
        session.close()
        engine.dispose()


def test_a_read_transaction_does_not_take_the_gate(tmp_path: Path) -> None:
    engine, database = _engine(tmp_path, timeout_s=5)
    try:
        with make_sessionmaker(engine)() as session:
            begin_read(session)
            session.scalar(select(func.count(AuditEvent.id)))
            assert not write_gate(database).held
    finally:
        engine.dispose()


def test_a_writer_that_waits_too_long_gets_write_busy_a_503(tmp_path: Path) -> None:
    engine, database = _engine(tmp_path, timeout_s=0.3)
    sessions = make_sessionmaker(engine)
    holder = sessions()
    try:
        AuditLog(holder).record("a", "long write")
        holder.flush()

        def second_writer() -> None:
            with sessions() as session:
                AuditLog(session).record("b", "waits")
                session.commit()

        started = time.monotonic()
        with ThreadPoolExecutor(1) as pool, pytest.raises(WriteBusy) as refused:
            pool.submit(second_writer).result()
        assert 0.25 < time.monotonic() - started < 5
        assert status_of(refused.value) == 503
        assert refused.value.kind == "busy"
        assert "0.3 s" in refused.value.detail
        holder.commit()
        assert not write_gate(database).held
        second_writer_after = sessions()
        AuditLog(second_writer_after).record("b", "after")
        second_writer_after.commit()
        second_writer_after.close()
        assert _count(engine) == 2  # the refused write stored nothing
    finally:
        holder.close()
        engine.dispose()


HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_CREAT | os.O_RDWR, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_a_writer_waits_for_another_process_then_writes(tmp_path: Path) -> None:
    engine, database = _engine(tmp_path, timeout_s=10)
    lock_file = database + ".writer-lock"
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD, lock_file, "0.6"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "held"
        started = time.monotonic()
        with make_sessionmaker(engine)() as session:
            AuditLog(session).record("a", "after the other process")
            session.commit()
        assert time.monotonic() - started > 0.3  # it waited for the other process's writer
        assert _count(engine) == 1
        assert not write_gate(database).held
    finally:
        other.wait(timeout=10)
        if other.stdout is not None:
            other.stdout.close()
        engine.dispose()


def test_a_writer_blocked_by_another_process_times_out(tmp_path: Path) -> None:
    engine, database = _engine(tmp_path, timeout_s=0.3)
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD, database + ".writer-lock", "3"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "held"
        with make_sessionmaker(engine)() as session, pytest.raises(WriteBusy):
            AuditLog(session).record("a", "refused")
            session.flush()
        assert not write_gate(database).held  # the process's lock was given back with the refusal
    finally:
        other.kill()
        other.wait(timeout=10)
        if other.stdout is not None:
            other.stdout.close()
        engine.dispose()
