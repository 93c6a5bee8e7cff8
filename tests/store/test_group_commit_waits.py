"""Group commit (issue 16, store/group_commit.py): JSON encoded by the requester, bounded waits, no
second insert after a COMMIT that went through, and a forked child that writes with its own thread."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from nervemap.store.audit import AuditLog
from nervemap.store.db import EncodedJSON, WriteBusy, json_text, make_sessionmaker
from nervemap.store.group_commit import GroupCommit, _Pending, encoded, group_writer
from nervemap.store.models import AssessmentRecord, AuditEvent
from tests.store.test_group_commit import _count, _engine, _rows


def test_json_columns_are_encoded_by_the_requester_and_read_back_as_they_were(tmp_path: Path) -> None:
    engine, _, user_id = _engine(tmp_path)
    try:
        values, rows = _rows(user_id, "user:1")
        ready = encoded(rows)
        assert type(ready[0][1]["output"]) is EncodedJSON and type(ready[0][1]["input"]) is EncodedJSON
        assert ready[0][1]["output"] == json_text(values["output"])
        assert isinstance(values["output"], dict)  # the caller's values are left as they were
        assert ready[1] == rows[1]  # the audit line has no JSON column
        writer = GroupCommit(engine)
        done = writer.submit(rows)
        writer.wait(done)
        with make_sessionmaker(engine)() as session:
            stored = session.get(AssessmentRecord, values["id"])
            assert (
                stored is not None and stored.output == values["output"] and stored.input == values["input"]
            )
    finally:
        engine.dispose()


def test_a_request_still_queued_after_its_wait_stores_nothing_and_hears_busy(tmp_path: Path) -> None:
    engine, _, user_id = _engine(tmp_path)
    writer = GroupCommit(engine)
    holder = make_sessionmaker(engine)()
    try:
        AuditLog(holder).record("holder", "a long write")
        holder.flush()  # holds the gate: the writer's first batch waits there
        first_values, first = _rows(user_id, "user:1")
        second_values, second = _rows(user_id, "user:2")
        first_done = writer.submit(first)
        deadline = time.monotonic() + 30
        while writer._queue.qsize():  # the writer took the first one and waits at the gate
            assert time.monotonic() < deadline
            time.sleep(0.01)
        second_done = writer.submit(second)
        started = time.monotonic()
        with pytest.raises(WriteBusy):
            writer.wait(second_done, timeout_s=0.2)
        assert time.monotonic() - started < 5
        holder.commit()
        writer.wait(first_done)  # the one in a transaction is waited for, and stored
        while writer._queue.qsize():  # the writer takes the second out of the queue, and skips it
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert writer.close(timeout_s=30)  # the writer has stopped: nothing of the second left to write
        with make_sessionmaker(engine)() as session:
            assert session.get(AssessmentRecord, first_values["id"]) is not None
            assert session.get(AssessmentRecord, second_values["id"]) is None
    finally:
        holder.close()
        engine.dispose()


class _FailsAfterCommit(GroupCommit):
    """A writer whose batch transaction COMMITs and then raises (an error on the way out)."""

    failures = 1

    def _commit(self, batch: list[_Pending]) -> None:
        super()._commit(batch)
        if self.failures:
            self.failures -= 1
            raise RuntimeError("after the commit")


def test_an_error_after_a_commit_that_went_through_does_not_insert_twice(tmp_path: Path) -> None:
    engine, _, user_id = _engine(tmp_path)
    writer = _FailsAfterCommit(engine)
    holder = make_sessionmaker(engine)()
    try:
        AuditLog(holder).record("holder", "a long write")
        holder.flush()
        written = [_rows(user_id, f"user:{n}") for n in range(3)]
        futures = [writer.submit(rows) for _, rows in written]  # one batch behind the gate
        holder.commit()
        for done in futures:
            writer.wait(done)  # answered stored, not an IntegrityError from a second insert
        assert _count(engine, AssessmentRecord) == 3
        assert _count(engine, AuditEvent) == 3 + 1
    finally:
        holder.close()
        engine.dispose()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_writes_with_its_own_thread(tmp_path: Path) -> None:
    engine, _, user_id = _engine(tmp_path)
    writer = group_writer(engine)
    assert writer is not None
    try:
        writer.write(_rows(user_id, "user:parent")[1])  # the parent's writer thread runs
        child_rows: list[Any] = [_rows(user_id, "user:child")[1], _rows(user_id, "user:child-2")[1]]
        pid = os.fork()
        if pid == 0:  # the child: exit code 0 only when both writes were stored
            code = 1
            try:
                signal.alarm(60)  # a writer without a thread would wait for ever
                engine.dispose(close=False)  # the parent's connections are the parent's
                fresh = group_writer(engine)
                assert fresh is not None and fresh is not writer  # the registry forgot the parent's
                fresh.write(child_rows[0])
                writer.write(child_rows[1])  # the parent's object, used in the child: a thread of its own
                code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        assert _count(engine, AssessmentRecord) == 3
    finally:
        engine.dispose()
