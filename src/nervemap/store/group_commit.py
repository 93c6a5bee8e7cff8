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

A write claims the request's time limit first (:data:`~nervemap.store.db.WRITE_CLAIMS`, the same
check a session flush makes): a request already answered 503 "timed out" stores nothing.

Used for SQLite database files and PostgreSQL (the engines ``store.db.make_engine`` marks,
:func:`group_writer`); an in-memory SQLite database keeps one transaction per request. On PostgreSQL
there is no gate: the writer saves the per-request transaction, its round trips and the ORM's unit of
work. The writer thread stops after ``idle_s`` without work and is started again by the next write.
"""

from __future__ import annotations

import copy
import queue
import threading
import weakref
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Table, insert

from nervemap.store.db import GROUP_COMMIT, WRITE_CLAIMS, WriteBusy

Insert = tuple[Table, dict[str, Any]]  # a table and one row's values (column name -> value)
MAX_BATCH = 64  # requests per transaction at most
IDLE_S = 5.0  # the writer thread stops after this long without work


@dataclass
class _Pending:
    rows: Sequence[Insert]
    done: Future[None] = field(default_factory=Future)


class GroupCommit:
    """One writer thread for ``engine``: requests' rows written in shared transactions, in order.

    Within a transaction the rows are inserted table by table, in the order the tables first appear
    in the batch; a request's rows may refer to rows of a table that comes before (an audit line
    names an assessment inserted first), and each table's rows keep the requests' order.
    """

    def __init__(self, engine: Engine, max_batch: int = MAX_BATCH, idle_s: float = IDLE_S) -> None:
        # Held weakly: the registry (_WRITERS) maps the engine to this writer weakly, and a strong
        # reference back would keep every engine, and its pool, alive for the life of the process.
        self._engine = weakref.ref(engine)
        self.max_batch = max_batch
        self.idle_s = idle_s
        self._queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.transactions = 0  # committed transactions (tests, benchmarks)

    def write(self, rows: Sequence[Insert]) -> None:
        """Insert ``rows`` in a committed transaction; returns once it is committed, or raises the
        error that kept them out (nothing of them is stored then)."""
        for claim in WRITE_CLAIMS:
            claim()
        pending = _Pending(rows)
        with self._lock:
            self._queue.put(pending)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="nervemap-group-commit", daemon=True)
                self._thread.start()
        pending.done.result()

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=self.idle_s)
            except queue.Empty:
                with self._lock:  # a write puts under this lock: none can be left behind
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._write(batch)

    def _write(self, batch: list[_Pending]) -> None:
        try:
            self._commit(batch)
        except WriteBusy as busy:
            for number, pending in enumerate(batch):
                pending.done.set_exception(busy if number == 0 else copy.copy(busy))
            return
        except BaseException as error:
            if len(batch) == 1:
                batch[0].done.set_exception(error)
                return
            for pending in batch:  # each on its own: one bad row fails only its own request
                self._write([pending])
            return
        for pending in batch:
            pending.done.set_result(None)

    def _commit(self, batch: list[_Pending]) -> None:
        tables: dict[Table, list[dict[str, Any]]] = {}
        for pending in batch:
            for table, values in pending.rows:
                tables.setdefault(table, []).append(values)
        engine = self._engine()
        if engine is None:
            raise RuntimeError("the database engine was disposed of before the rows were written")
        with engine.begin() as connection:  # the write gate, BEGIN IMMEDIATE ... COMMIT
            for table, rows in tables.items():
                connection.execute(insert(table), rows)
        self.transactions += 1


_WRITERS: weakref.WeakKeyDictionary[Engine, GroupCommit] = weakref.WeakKeyDictionary()
_WRITERS_LOCK = threading.Lock()


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
