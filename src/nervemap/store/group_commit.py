"""Group commit (issue 16): many requests' rows in one SQLite transaction, written by one thread.

With one transaction per request, every POST /v1/assessments took the SQLite file's write gate
(store/db.py), began, inserted through the ORM's unit of work, committed and gave the gate back:
about 1.8 ms of CPU and one turn of the gate per request, and under 100 concurrent clients the
requests queued for the gate one by one. A :class:`GroupCommit` has one writer thread per engine:
a request hands it its rows (:meth:`GroupCommit.write`) and waits; the writer takes every request
waiting in its queue (at most ``max_batch``), inserts their rows with one ``executemany`` per table
in one write transaction (the gate once, ``BEGIN IMMEDIATE``, one ``COMMIT``) and only then answers
each request. Durable as before: a request hears "stored" only after the commit that holds its rows
has returned, with the engine's ``synchronous`` setting.

Failures are answered, never dropped:

- :class:`~nervemap.store.db.WriteBusy` (no turn at the gate in time): every request of the batch
  gets it (a 503 problem "busy"; nothing of theirs was stored).
- Any other error (a constraint, the disk full at COMMIT): the transaction is rolled back, then
  each request's rows are written again in a transaction of their own, so one bad row fails only
  its own request, which gets its own error.

A request's JSON columns are encoded in its own thread when it hands its rows over
(:meth:`GroupCommit.submit`, :class:`~nervemap.store.db.EncodedJSON`): the writer holds the write
gate - which every process's writers wait for - only for the inserts and the COMMIT, not for ~0.15
ms of encoding per 30-60 KB assessment (issue 16: under load the writer thread waits for the GIL,
and every step it takes holding the gate stretches every other writer's wait).

Waits are bounded (:data:`WAIT_S`): a request whose rows are still queued after that is answered
:class:`~nervemap.store.db.WriteBusy` and its rows are taken out of the queue (nothing stored); rows
already in a transaction are waited for (the gate's own timeout bounds it). A request retried on its
own after a failed batch is first looked up by its first row's primary key: when the batch's COMMIT
had gone through before the error (an error on the way out of the transaction), it is answered
stored, not inserted twice. After ``os.fork`` the child forgets the parent's writers (their threads
did not follow it) and starts its own.

A write claims the request's time limit first (:data:`~nervemap.store.db.WRITE_CLAIMS`, the same
check a session flush makes): a request already answered 503 "timed out" stores nothing.

Used for SQLite database files and PostgreSQL (the engines ``store.db.make_engine`` marks,
:func:`group_writer`); an in-memory SQLite database keeps one transaction per request. On PostgreSQL
there is no gate: the writer saves the per-request transaction, its round trips and the ORM's unit of
work, and its statements are cancelled after the gate's timeout (:data:`POSTGRESQL_TIMEOUT`), so a
request waiting for a batch stuck behind a lock is answered in bounded time there too. When a failed
batch's database cannot even be asked whether the rows went in (unreachable), every request of the
batch hears the error at once instead of being retried one by one. The writer thread stops after
``idle_s`` without work and is started again by the next write; at interpreter exit every writer
writes what is queued and stops (:func:`close_writers`; its thread is a daemon).
"""

from __future__ import annotations

import atexit
import copy
import os
import queue
import threading
import weakref
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Engine, Table, insert, select
from sqlalchemy.exc import OperationalError

from nervemap.store.db import (
    GROUP_COMMIT,
    WRITE_CLAIMS,
    WRITE_GATE_TIMEOUT_S,
    EncodedJSON,
    WriteBusy,
    json_text,
)

Insert = tuple[Table, dict[str, Any]]  # a table and one row's values (column name -> value)
MAX_BATCH = 64  # requests per transaction at most
IDLE_S = 5.0  # the writer thread stops after this long without work
# How long a request waits for its rows to be taken into a transaction (the gate's timeout and a
# margin: under the request time limit of 30 s); see GroupCommit.wait.
WAIT_S = WRITE_GATE_TIMEOUT_S + 5.0
# On PostgreSQL a writer's statement is cancelled after the gate's timeout (the batch then fails and
# each request hears why): a waiting request's answer stays bounded, as the gate bounds it on SQLite.
POSTGRESQL_TIMEOUT = f"SET LOCAL statement_timeout = {int(WRITE_GATE_TIMEOUT_S * 1000)}"


@dataclass
class _Pending:
    rows: Sequence[Insert]
    done: Future[None] = field(default_factory=Future)


_JSON_COLUMNS: dict[Table, tuple[str, ...]] = {}


def _json_columns(table: Table) -> tuple[str, ...]:
    names = _JSON_COLUMNS.get(table)
    if names is None:
        names = _JSON_COLUMNS[table] = tuple(c.name for c in table.columns if isinstance(c.type, JSON))
    return names


def encoded(rows: Sequence[Insert]) -> list[Insert]:
    """``rows`` with their JSON columns' values encoded now (:class:`EncodedJSON`, stored as they are);
    new dicts, the caller's are left as they were. None stays None (the column type decides)."""
    out: list[Insert] = []
    for table, values in rows:
        names = [name for name in _json_columns(table) if values.get(name) is not None]
        if names:
            values = {**values, **{name: EncodedJSON(json_text(values[name])) for name in names}}
        out.append((table, values))
    return out


class GroupCommit:
    """One writer thread for ``engine``: requests' rows written in shared transactions, in order.

    Within a transaction the rows are inserted table by table, in the order the tables first appear
    in the batch; a request's rows may refer to rows of a table that comes before (an audit line
    names an assessment inserted first), and each table's rows keep the requests' order.
    """

    def __init__(
        self, engine: Engine, max_batch: int = MAX_BATCH, idle_s: float = IDLE_S, wait_s: float = WAIT_S
    ) -> None:
        # Held weakly: the registry (_WRITERS) maps the engine to this writer weakly, and a strong
        # reference back would keep every engine, and its pool, alive for the life of the process.
        self._engine = weakref.ref(engine)
        self.max_batch = max_batch
        self.idle_s = idle_s
        self.wait_s = wait_s
        self._pid = os.getpid()
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()  # None: close()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.transactions = 0  # committed transactions (tests, benchmarks)
        _LIVE.add(self)

    def write(self, rows: Sequence[Insert]) -> None:
        """Insert ``rows`` in a committed transaction; returns once it is committed, or raises the
        error that kept them out (nothing of them is stored then)."""
        self.wait(self.submit(rows))

    def submit(self, rows: Sequence[Insert]) -> Future[None]:
        """Claim the write (:data:`~nervemap.store.db.WRITE_CLAIMS`, in the calling thread), encode the
        rows' JSON here and queue them; the future is answered once they are committed, or with the
        error that kept them out. Wait for it with :meth:`wait` (or await it, bounded the same way)."""
        for claim in WRITE_CLAIMS:
            claim()
        pending = _Pending(encoded(rows))
        with self._lock:
            if self._pid != os.getpid():  # a forked child: the parent's thread and queue are not ours
                self._pid, self._queue, self._thread = os.getpid(), queue.SimpleQueue(), None
            self._queue.put(pending)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="nervemap-group-commit", daemon=True)
                self._thread.start()
        return pending.done

    def wait(self, done: Future[None], timeout_s: float | None = None) -> None:
        """Wait for a :meth:`submit`'s answer. Rows still queued after ``timeout_s`` (default
        ``wait_s``) are taken out of the queue and the caller hears :class:`WriteBusy` (nothing
        stored); rows already in a transaction are waited for until it ends."""
        try:
            done.result(timeout=self.wait_s if timeout_s is None else timeout_s)
        except TimeoutError:
            if not done.cancel():
                done.result()  # in a transaction now: its outcome, bounded by the gate's timeout
                return
            raise busy(self.wait_s if timeout_s is None else timeout_s) from None

    def close(self, timeout_s: float | None = None) -> bool:
        """Write what is queued, then stop the writer thread; waits for it at most ``timeout_s``
        (default ``wait_s``) and answers whether it stopped. Called for every writer at interpreter
        exit (:func:`close_writers`). A write after it starts a thread again."""
        with self._lock:
            thread = self._thread
            if thread is None or self._pid != os.getpid():
                return True
            self._queue.put(None)
        thread.join(self.wait_s if timeout_s is None else timeout_s)
        return not thread.is_alive()

    def _run(self) -> None:
        while True:
            closing = False
            try:
                first = self._queue.get(timeout=self.idle_s)
                closing = first is None
            except queue.Empty:
                first = None
            if first is None:  # idle, or close(): stop when nothing is queued
                with self._lock:  # a write puts under this lock: none can be left behind
                    if self._queue.empty():
                        self._thread = None
                        return
                    if closing:  # stop after what was queued meanwhile
                        self._queue.put(None)
                continue
            taken = [first]
            while len(taken) < self.max_batch:
                try:
                    following = self._queue.get_nowait()
                except queue.Empty:
                    break
                if following is None:  # close(): after this batch and what is queued behind it
                    self._queue.put(None)
                    break
                taken.append(following)
            # A request that gave up waiting (cancelled) while queued is left out: nothing of it stored.
            batch = [pending for pending in taken if pending.done.set_running_or_notify_cancel()]
            if not batch:
                continue
            try:
                self._write(batch)
            except BaseException as error:  # never leave a request waiting for an answer
                for pending in batch:
                    if not pending.done.done():
                        pending.done.set_exception(error)

    def _write(self, batch: list[_Pending]) -> None:
        try:
            self._commit(batch)
        except WriteBusy as busy:
            for number, pending in enumerate(batch):
                pending.done.set_exception(busy if number == 0 else copy.copy(busy))
            return
        except BaseException as error:
            self._after_failure(batch, error)
            return
        for pending in batch:
            pending.done.set_result(None)

    def _after_failure(self, batch: list[_Pending], error: BaseException) -> None:
        """A failed batch: a request whose rows are in the database is answered stored, the others
        are written again one by one (one bad row fails only its own request), or, alone, hear the
        error. When the database cannot be asked (unreachable, the engine gone), every request not
        yet answered hears the batch's error at once: a retry would fail the same way, one request
        after the other, each waiting for its connection to fail."""
        for number, pending in enumerate(batch):
            stored = self._stored(pending)
            if stored is None:
                for rest in batch[number:]:
                    rest.done.set_exception(error if rest is pending else copy.copy(error))
                return
            if stored:
                pending.done.set_result(None)
            elif len(batch) == 1 or isinstance(error, OperationalError):
                # One request, or a failure of the database rather than of a row (a statement timeout
                # behind a lock, a dropped connection): written again alone it would wait the same
                # limit once per request while every later request timed out behind it.
                pending.done.set_exception(error if number == 0 else copy.copy(error))
            else:
                self._write([pending])

    def _stored(self, pending: _Pending) -> bool | None:
        """Whether the request's first row is in the database (looked up by its primary key), None when
        the database cannot be asked: after a batch failed, a request whose rows are there is answered
        stored instead of being inserted again. False when the rows have no key to look them up by."""
        if not pending.rows:
            return False
        table, values = pending.rows[0]
        keys = list(table.primary_key.columns)
        if not keys or any(values.get(key.name) is None for key in keys):
            return False
        engine = self._engine()
        if engine is None:
            return None
        try:
            with engine.connect() as connection:
                if connection.dialect.name == "postgresql":  # bounded like the write it checks
                    connection.exec_driver_sql(POSTGRESQL_TIMEOUT)
                condition = [key == values[key.name] for key in keys]
                found = connection.execute(select(keys[0]).where(*condition)).first()
                connection.rollback()
                return found is not None
        except Exception:
            return None

    def _commit(self, batch: list[_Pending]) -> None:
        tables: dict[Table, list[dict[str, Any]]] = {}
        for pending in batch:
            for table, values in pending.rows:
                tables.setdefault(table, []).append(values)
        engine = self._engine()
        if engine is None:
            raise RuntimeError("the database engine was disposed of before the rows were written")
        with engine.begin() as connection:  # the write gate, BEGIN IMMEDIATE ... COMMIT
            if connection.dialect.name == "postgresql":
                # No gate there to bound the transaction: its statements are (a lock held by another
                # transaction, a stalled server), so a request waiting for it is answered in time.
                connection.exec_driver_sql(POSTGRESQL_TIMEOUT)
            for table, rows in tables.items():
                connection.execute(insert(table), rows)
        self.transactions += 1


def busy(timeout_s: float) -> WriteBusy:
    """The answer to a request whose rows were not taken into a transaction within ``timeout_s``."""
    return WriteBusy(
        f"the database is busy: the write was not begun within {timeout_s:g} s;"
        " nothing was stored, retry later",
        [("database", f"no transaction for the write within {timeout_s:g} s")],
    )


_LIVE: weakref.WeakSet[GroupCommit] = weakref.WeakSet()  # every writer of this process (close_writers)


def close_writers() -> None:
    """At interpreter exit, every writer writes what is queued and stops. Its thread is a daemon (it
    must not keep a process alive), and Python stops daemon threads where they stand once the exit
    handlers have run: a batch queued or in its transaction then, with requests that a shutting-down
    server still answers, would be lost (the transaction rolled back) without this."""
    for writer in list(_LIVE):
        writer.close()


atexit.register(close_writers)
_WRITERS: weakref.WeakKeyDictionary[Engine, GroupCommit] = weakref.WeakKeyDictionary()
_WRITERS_LOCK = threading.Lock()


def _forget_writers_after_fork() -> None:
    """In a forked child: the parent's writer threads did not follow, and a lock may have been held."""
    global _WRITERS_LOCK
    _WRITERS_LOCK = threading.Lock()
    _WRITERS.clear()


os.register_at_fork(after_in_child=_forget_writers_after_fork)


def group_writer(engine: Any) -> GroupCommit | None:
    """The engine's group writer, or None when its writes keep a transaction each (engines that
    ``store.db.make_engine`` did not put in :data:`~nervemap.store.db.GROUP_COMMIT`)."""
    if not isinstance(engine, Engine) or engine not in GROUP_COMMIT:
        return None
    with _WRITERS_LOCK:
        writer = _WRITERS.get(engine)
        if writer is None:
            writer = _WRITERS[engine] = GroupCommit(engine)
        return writer
