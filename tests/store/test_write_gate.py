"""SQLite writers queue in line (issue 16): a write transaction takes the file's gate - a lock per
process and an flock shared by the processes - and gives it back on commit or rollback."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from nervemap.store.audit import AuditLog
from nervemap.store.db import GATE_HELD, make_engine, make_sessionmaker, write_gate
from nervemap.store.migrate import upgrade_database
from nervemap.store.models import AuditEvent

HOLDER = """
import sys, time
from nervemap.store.audit import AuditLog
from nervemap.store.db import make_engine, make_sessionmaker
engine = make_engine(sys.argv[1])
with make_sessionmaker(engine)() as session:
    AuditLog(session).record("other-process", "held")
    session.flush()  # BEGIN IMMEDIATE: this process holds the gate and the write lock
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
    session.commit()
engine.dispose()
"""


def _database(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "gate.db"
    url = f"sqlite:///{path.as_posix()}"
    upgrade_database(url)
    return url, path


def _count(url: str) -> int:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return int(session.scalar(select(func.count(AuditEvent.id))) or 0)
    finally:
        engine.dispose()


def test_concurrent_writers_all_commit_and_the_gate_is_free_after(tmp_path: Path) -> None:
    url, path = _database(tmp_path)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(15):
                with sessions() as session:
                    AuditLog(session).record(f"thread-{n}", f"write-{i}")
                    session.commit()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    engine.dispose()
    assert not errors
    assert _count(url) == 8 * 15
    gate = write_gate(str(path))
    assert (
        gate.path == Path(str(path.resolve()) + ".writer-lock") and gate.path.stat().st_mode & 0o777 == 0o600
    )
    assert gate._threads.acquire(blocking=False)  # nobody holds it
    gate._threads.release()


def test_a_rollback_or_a_failed_write_lets_the_next_writer_in(tmp_path: Path) -> None:
    url, _ = _database(tmp_path)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    try:
        with sessions() as session:
            AuditLog(session).record("cli", "undone")
            session.flush()
            assert any(GATE_HELD in c.info for c in [session.connection()])
            session.rollback()
        with sessions() as session:  # closed with its write open: rolled back
            AuditLog(session).record("cli", "abandoned")
            session.flush()
        done = threading.Event()

        def other_thread() -> None:
            with sessions() as session:
                AuditLog(session).record("cli", "kept")
                session.commit()
            done.set()

        thread = threading.Thread(target=other_thread)
        thread.start()
        assert done.wait(10)  # the gate was given back: no wait for SQLite's 30 s busy timeout
        thread.join()
    finally:
        engine.dispose()
    assert _count(url) == 1


def test_a_writer_waits_for_another_process_and_goes_once_it_commits(tmp_path: Path) -> None:
    url, path = _database(tmp_path)
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, url, "1.0"], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
            probe = os.open(Path(str(path.resolve()) + ".writer-lock"), os.O_RDWR)
            try:  # the other process holds the file's gate (flock), not only SQLite's lock
                with pytest.raises(BlockingIOError):
                    fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            finally:
                os.close(probe)
            engine = make_engine(url)
            try:
                started = time.monotonic()
                with make_sessionmaker(engine)() as session:
                    AuditLog(session).record("this-process", "after")
                    session.commit()
                waited = time.monotonic() - started
            finally:
                engine.dispose()
            assert holder.wait(30) == 0
        finally:
            holder.kill()
    assert waited >= 0.5  # it waited for the other process's transaction...
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            rows = session.scalars(select(AuditEvent.actor).order_by(AuditEvent.id)).all()
    finally:
        engine.dispose()
    assert rows == ["other-process", "this-process"]  # ...and wrote after it
