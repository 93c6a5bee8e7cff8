"""Group commit (issue 16, store/group_commit.py): many requests' rows in one SQLite transaction.

Every row handed to the writer is stored, or its writer hears why not: a bad row fails only its own
request, a commit SQLite refuses is an error (nothing stored, the gate free), a writer that gets no
turn at the gate hears WriteBusy, and a request whose time was up stores nothing.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import IntegrityError

from nervemap.engine.assess import assess
from nervemap.engine.case import Case
from nervemap.services.assessments import create_assessment
from nervemap.store.assessments import AssessmentRepository
from nervemap.store.audit import AuditLog
from nervemap.store.db import WRITE_CLAIMS, WriteBusy, begin_read, make_engine, make_sessionmaker, write_gate
from nervemap.store.group_commit import GroupCommit, group_writer
from nervemap.store.migrate import upgrade_database
from nervemap.store.models import AssessmentRecord, AuditEvent, Role, SourceKind
from nervemap.store.users import UserRepository
from tests.store.backends import BACKENDS, scratch_database
from tests.store.test_commit_failure import FAIL, _DiskFullOnce

CASE = Case.model_validate(
    {"age": 52, "findings": [{"id": "back_pain"}, {"id": "radiating_leg_pain", "side": "right"}]}
)


def _engine(
    tmp_path: Path, timeout_s: float = 20.0, disk_full: bool = False
) -> tuple[Engine, str, uuid.UUID]:
    database = str(tmp_path / "group.db")
    upgrade_database(f"sqlite:///{database}")
    engine = make_engine(f"sqlite:///{database}", write_timeout_s=timeout_s)
    if disk_full:

        @event.listens_for(engine, "do_connect")
        def _connect(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
            cparams["factory"] = _DiskFullOnce

    with make_sessionmaker(engine)() as session:
        user = UserRepository(session).add("clinician@example.org", Role.CLINICIAN, "not-a-real-hash")
        session.commit()
        return engine, database, user.id


def _count(engine: Engine, model: Any) -> int:
    with make_sessionmaker(engine)() as session:
        begin_read(session)
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _rows(created_by: uuid.UUID, actor: str) -> tuple[dict[str, Any], list[Any]]:
    values = AssessmentRepository.values(created_by, SourceKind.STRUCTURED, {"findings": []}, assess(CASE))
    audit = AuditLog.row(actor, "assessment.create", f"assessment:{values['id']}")
    return values, [AssessmentRepository.row(values), audit]


def _while_the_gate_is_held(engine: Engine, writes: list[Callable[[], None]]) -> list[BaseException | None]:
    """Start ``writes`` in threads while another transaction holds the write gate, so that they queue
    behind it and are written together; then let the gate go and collect what each one raised."""
    holder = make_sessionmaker(engine)()
    AuditLog(holder).record("holder", "a long write")
    holder.flush()  # holds the gate (and SQLite's write lock)
    outcomes: list[BaseException | None] = [None] * len(writes)

    def run(number: int) -> None:
        try:
            writes[number]()
        except BaseException as error:
            outcomes[number] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(writes))]
    for thread in threads:
        thread.start()
    writer = group_writer(engine)
    assert writer is not None
    deadline = time.monotonic() + 60  # a fault fails the test instead of hanging the run
    while writer._queue.qsize() < len(writes) - 1:  # the first one may already wait at the gate
        assert time.monotonic() < deadline, "the writes never queued"
        threading.Event().wait(0.01)
    holder.commit()
    holder.close()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_concurrent_writes_are_grouped_and_every_row_is_stored(tmp_path: Path) -> None:
    engine, database, user_id = _engine(tmp_path)
    writer = group_writer(engine)
    assert writer is not None
    try:
        written = [_rows(user_id, f"user:{n}") for n in range(24)]
        outcomes = _while_the_gate_is_held(
            engine, [lambda rows=rows: writer.write(rows) for _, rows in written]
        )
        assert outcomes == [None] * 24
        assert writer.transactions <= 3  # the first may go alone; the others waited together
        assert _count(engine, AssessmentRecord) == 24
        assert _count(engine, AuditEvent) == 24 + 1  # with the holder's line
        with make_sessionmaker(engine)() as session:
            stored = session.get(AssessmentRecord, written[5][0]["id"])
            assert stored is not None and stored.output == written[5][0]["output"]
            assert stored.created_by == user_id and stored.status == "new"
        assert not write_gate(database).held
    finally:
        engine.dispose()


def test_a_bad_row_fails_only_its_own_write(tmp_path: Path) -> None:
    engine, _, user_id = _engine(tmp_path)
    writer = group_writer(engine)
    assert writer is not None
    try:
        good = [_rows(user_id, f"user:{n}") for n in range(5)]
        bad = _rows(uuid.uuid4(), "user:nobody")  # created_by names no user: a foreign-key violation
        writes = [lambda rows=rows: writer.write(rows) for _, rows in [*good[:2], bad, *good[2:]]]
        outcomes = _while_the_gate_is_held(engine, writes)
        assert [type(outcome) for outcome in outcomes] == [type(None)] * 2 + [IntegrityError] + [
            type(None)
        ] * 3
        assert _count(engine, AssessmentRecord) == 5
        assert _count(engine, AuditEvent) == 5 + 1  # the bad write's audit line went with it
    finally:
        engine.dispose()


def test_a_commit_sqlite_refuses_is_an_error_and_stores_nothing(tmp_path: Path) -> None:
    engine, database, user_id = _engine(tmp_path, disk_full=True)
    writer = GroupCommit(engine)
    try:
        _, rows = _rows(user_id, "user:1")
        FAIL["next_commit"] = True
        with pytest.raises(sqlite3.OperationalError, match="full"):
            writer.write(rows)
        assert not FAIL["next_commit"]  # the failing commit was reached
        assert _count(engine, AssessmentRecord) == 0
        assert not write_gate(database).held
        writer.write(rows)  # the next write goes in
        assert _count(engine, AssessmentRecord) == 1
    finally:
        FAIL["next_commit"] = False
        engine.dispose()


def test_a_writer_with_no_turn_at_the_gate_hears_write_busy(tmp_path: Path) -> None:
    engine, database, user_id = _engine(tmp_path, timeout_s=0.2)
    writer = GroupCommit(engine)
    holder = make_sessionmaker(engine)()
    try:
        AuditLog(holder).record("holder", "a long write")
        holder.flush()
        with pytest.raises(WriteBusy):
            writer.write(_rows(user_id, "user:1")[1])
        holder.commit()
        assert _count(engine, AssessmentRecord) == 0
        assert not write_gate(database).held
    finally:
        holder.close()
        engine.dispose()


def test_a_write_refused_by_its_claim_stores_nothing(tmp_path: Path) -> None:
    """The request time limit (api/timeouts.py) refuses the write of a request already answered 503."""
    engine, _, user_id = _engine(tmp_path)
    writer = GroupCommit(engine)

    class Expired(Exception):
        pass

    def expired() -> None:
        raise Expired

    WRITE_CLAIMS.append(expired)
    try:
        with pytest.raises(Expired):
            writer.write(_rows(user_id, "user:1")[1])
    finally:
        WRITE_CLAIMS.remove(expired)
        engine.dispose()
    assert _count(engine, AssessmentRecord) == 0


def test_create_assessment_through_the_group_writer_stores_the_record_and_its_audit_line(
    tmp_path: Path,
) -> None:
    engine, _, user_id = _engine(tmp_path)
    sessions = make_sessionmaker(engine)
    try:
        with ThreadPoolExecutor(6) as pool:

            def create(number: int) -> AssessmentRecord:
                with sessions() as session:
                    return create_assessment(session, created_by=user_id, actor=f"user:{number}", case=CASE)

            records = list(pool.map(create, range(12)))
        with sessions() as session:
            for record in records:
                stored = session.get(AssessmentRecord, record.id)
                assert stored is not None
                assert stored.output == record.output and stored.created_at == record.created_at
            lines = session.scalars(select(AuditEvent.object).where(AuditEvent.action == "assessment.create"))
            assert sorted(lines) == sorted(f"assessment:{record.id}" for record in records)
    finally:
        engine.dispose()


def test_a_caller_with_an_open_transaction_keeps_it(tmp_path: Path) -> None:
    """With work of its own pending, the record joins the caller's transaction (no group commit)."""
    engine, _, user_id = _engine(tmp_path)
    try:
        with make_sessionmaker(engine)() as session:
            AuditLog(session).record("caller", "its own line")
            record = create_assessment(session, created_by=user_id, actor="user:1", case=CASE)
            assert record in session  # the session's own object, committed with the caller's line
        assert _count(engine, AuditEvent) == 2
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_each_backend_groups_writes_and_stores_every_row(tmp_path: Path, backend_name: str) -> None:
    """SQLite files and PostgreSQL have a group writer (an in-memory database has none)."""
    assert group_writer(make_engine("sqlite://")) is None
    with scratch_database(backend_name, tmp_path) as url:
        upgrade_database(url)
        engine = make_engine(url)
        try:
            with make_sessionmaker(engine)() as session:
                user = UserRepository(session).add("clinician@example.org", Role.CLINICIAN, "not-a-real-hash")
                session.commit()
                user_id = user.id
            with ThreadPoolExecutor(6) as pool:

                def create(number: int) -> AssessmentRecord:
                    with make_sessionmaker(engine)() as session:
                        return create_assessment(
                            session, created_by=user_id, actor=f"user:{number}", case=CASE
                        )

                records = list(pool.map(create, range(12)))
            writer = group_writer(engine)
            assert writer is not None and 1 <= writer.transactions <= 12
            with make_sessionmaker(engine)() as session:
                assert {r.id for r in session.scalars(select(AssessmentRecord))} == {r.id for r in records}
                assert _count(engine, AuditEvent) == 12
        finally:
            engine.dispose()


def test_a_writer_does_not_keep_its_engine_alive(tmp_path: Path) -> None:
    """The registry maps an engine to its writer weakly; the writer must not hold the engine back."""
    import gc
    import weakref

    engine, _, _ = _engine(tmp_path)
    writer = group_writer(engine)
    assert writer is not None
    gone = weakref.ref(engine)
    engine.dispose()
    del engine
    gc.collect()
    assert gone() is None
