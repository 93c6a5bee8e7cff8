"""Engines and sessions. SQLite gets WAL mode, foreign keys, and two kinds of transaction.

- A write transaction (the default) opens with ``BEGIN IMMEDIATE``: it takes SQLite's write lock
  at once, so a transaction that reads and then writes waits its turn (``busy_timeout``) instead
  of failing with "database is locked" when another connection wrote in between.
- A read transaction (:func:`begin_read`) opens with a plain ``BEGIN``: in WAL mode it reads the
  last committed state without taking or waiting for the write lock, so reads do not queue behind
  writers (nor writers behind reads). A flush in a read transaction raises
  :class:`ReadOnlyTransaction`: it could not take the write lock safely.

On PostgreSQL both are ordinary transactions; the read-only check applies there too.

Writers queue in line (:class:`WriteGate`, issue 16): SQLite's own wait for its write lock is a busy
handler that sleeps and retries (1, 2, 5, 10 ... 100 ms a try), so with many concurrent writers the
lock sat free while the waiting writers slept, and a writer's wait was long and random. A write
transaction on a SQLite file first takes the file's gate - a lock shared by the process's threads,
then an ``flock`` on ``<database>.writer-lock`` shared by the processes (``serve --workers``) - and
the gate belongs to the *connection's transaction*, not to a thread: it is taken at ``BEGIN
IMMEDIATE`` and given back when that transaction commits or rolls back, or the connection goes back
to the pool or is closed, whichever thread does it (FastAPI may begin a transaction in one
thread-pool thread and end it in another). A writer that cannot have the gate within
``write_timeout_s`` (default :data:`WRITE_GATE_TIMEOUT_S`) gets :class:`WriteBusy`, a 503 problem
("busy"), instead of SQLite's "database is locked". The busy handler stays, for writers outside
nervemap (the ``sqlite3`` shell, another program) and for a thread that opens a second write while
it already holds the gate through another connection (it waits there, as it did before the gate).

SQLite's ``synchronous`` setting (``NERVEMAP_SQLITE_SYNCHRONOUS``): ``full`` by default - every
commit is on disk before it returns, the durability docs/safety.md (H9) counts on. That sync is
7-11 ms a commit on this project's test machine, held under the one write lock, so writes top out
at about 100-130 a second. ``normal`` (SQLite's recommended setting for WAL mode, an operator's
choice) syncs the WAL at checkpoints only: the database stays consistent after any crash and an
application crash loses nothing, but a power cut or an operating-system crash can roll back the
last commits that were acknowledged (an assessment with its audit line). docs/scaling.md
("Transactions").
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydantic_core
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from nervemap.services.errors import Unavailable

SQLITE_BUSY_TIMEOUT_S = 30
WRITE_GATE_TIMEOUT_S = 20.0  # under the request time limit (30 s): the writer hears 503 "busy" first
GATE_HELD = "nervemap_write_gate"  # pool record info: the gate this connection's transaction holds
SQLITE_SYNCHRONOUS = ("full", "normal")  # PRAGMA synchronous values offered; the first is the default
READ_ONLY = "nervemap_read_only"  # connection execution option set by begin_read
# Called in the requesting thread before a write that no session flush announces (a group commit,
# store/group_commit.py); api/timeouts.py adds the request time limit's check (it raises when the
# request was already answered 503).
WRITE_CLAIMS: list[Callable[[], None]] = []
# Engines whose writes may be grouped (store/group_commit.py): SQLite files (which have a write gate)
# and server databases (PostgreSQL); not an in-memory SQLite database (one connection).
GROUP_COMMIT: weakref.WeakSet[Engine] = weakref.WeakSet()


class ReadOnlyTransaction(RuntimeError):
    """A session tried to write in a transaction begun by :func:`begin_read`."""


class DatabasePathError(RuntimeError):
    """The SQLite file's folder cannot be created or the file cannot be opened."""


class WriteBusy(Unavailable):
    """No turn to write on the SQLite file within the gate's timeout: answered 503 ("busy")."""

    default_kind = "busy"
    default_title = "Busy"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


class WriteGate:
    """One writer at a time on one SQLite file, in line, held by a transaction rather than a thread.

    A plain :class:`threading.Lock` (any thread may release it) for the threads of this process,
    then an exclusive ``flock`` on ``lock_path`` for the processes, polled every 0.2-2 ms until the
    deadline (only the one thread of a process that holds the lock polls). The lock file is never
    the database file: closing any descriptor of the database would drop SQLite's own POSIX locks.
    ``lock_path`` None: threads only (tests).
    """

    def __init__(self, lock_path: Path | None) -> None:
        self.path = lock_path
        self._lock = threading.Lock()
        self._fd: int | None = None
        self.holder: int | None = None  # the thread that took it (nested writes in that thread)

    @property
    def held(self) -> bool:
        return self._lock.locked()

    def _file(self) -> int:
        if self._fd is None:
            assert self.path is not None
            self._fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        return self._fd

    def acquire(self, timeout_s: float) -> None:
        """Wait at most ``timeout_s`` for the gate; :class:`WriteBusy` when it does not come."""
        deadline = time.monotonic() + timeout_s
        if not self._lock.acquire(timeout=max(timeout_s, 0.0)):
            raise self._busy(timeout_s)
        try:
            if self.path is not None:
                self._lock_file(deadline, timeout_s)
        except BaseException:
            self._lock.release()
            raise
        self.holder = threading.get_ident()

    def _lock_file(self, deadline: float, timeout_s: float) -> None:
        descriptor, pause = self._file(), 0.0002
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
            left = deadline - time.monotonic()
            if left <= 0:
                raise self._busy(timeout_s)
            time.sleep(min(pause, left))
            pause = min(pause * 2, 0.002)

    def release(self) -> None:
        """Give the gate back (from any thread)."""
        self.holder = None
        try:
            if self.path is not None and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._lock.release()

    @staticmethod
    def _busy(timeout_s: float) -> WriteBusy:
        return WriteBusy(
            f"the database is busy: no turn to write within {timeout_s:g} s; nothing was stored, retry later",
            [("database", f"write lock not free within {timeout_s:g} s")],
        )


_GATES: dict[str, WriteGate] = {}
_GATES_LOCK = threading.Lock()


def write_gate(database: str) -> WriteGate:
    """The process's gate for the SQLite file ``database`` (one per file, shared by its engines)."""
    key = os.path.realpath(database)
    with _GATES_LOCK:
        gate = _GATES.get(key)
        if gate is None:
            gate = _GATES[key] = WriteGate(Path(key + ".writer-lock"))
        return gate


def _give_back(info: dict[Any, Any]) -> None:
    held = info.pop(GATE_HELD, None)
    if held is not None:
        held.release()


def _configure_gate(engine: Engine, gate: WriteGate, timeout_s: float) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY, False):
            connection.exec_driver_sql("BEGIN")
            return
        if gate.held and gate.holder == threading.get_ident():
            # This thread already writes through another connection: wait in SQLite's busy handler
            # as before the gate (the gate would wait for this very thread).
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        gate.acquire(timeout_s)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            gate.release()
            raise
        connection.info[GATE_HELD] = gate

    # SQLAlchemy's commit and rollback events come before the driver's call: end the transaction
    # here, then let the next writer in (the driver's own call then has nothing left to end).
    @event.listens_for(engine, "commit")
    def _on_commit(connection: Any) -> None:
        if GATE_HELD in connection.info:
            driver = connection.connection.dbapi_connection
            try:
                driver.commit()
            except Exception:
                # SQLite may have rolled the transaction back itself (SQLITE_FULL, SQLITE_IOERR ...):
                # the driver's commit that follows would then find nothing to commit and report
                # success for a write that is gone (tests/store/test_commit_failure.py).
                if not driver.in_transaction:
                    raise
                # still open: the driver's commit that follows raises it, as SQLAlchemy words it
            finally:
                _give_back(connection.info)

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection: Any) -> None:
        if GATE_HELD in connection.info:
            try:
                connection.connection.dbapi_connection.rollback()
            except Exception:
                pass  # an invalid connection: SQLAlchemy's own rollback deals with it
            finally:
                _give_back(connection.info)

    # Whatever else ends the connection's use gives the gate back too: back to the pool, closed.
    # (three positional parameters: SQLAlchemy 2.0's "reset" signature, not its deprecated two-argument one)
    def _on_pool_event(_dbapi_connection: Any, record: Any, _detail: Any = None) -> None:
        if record is not None:
            _give_back(record.info)

    for name in ("checkin", "reset", "invalidate", "soft_invalidate", "close"):
        event.listen(engine, name, _on_pool_event)


def _configure_sqlite(engine: Engine, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions (so SAVEPOINTs work), and take the
        # write lock at BEGIN: a deferred transaction that reads then writes can fail with
        # "database is locked" under concurrency without ever waiting on busy_timeout.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cursor.close()


def _configure_begin(engine: Engine) -> None:
    """Without a gate (an in-memory database): BEGIN IMMEDIATE for writes, BEGIN for reads."""

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")


def _prepare_sqlite_file(database: str) -> None:
    """Create the SQLite file's folder and the file itself, readable by its owner only (0600).

    The database holds clinical notes and contact details. SQLite gives its -wal and -shm files
    the database file's permissions. An existing file keeps its mode. A folder that cannot be
    created (a file in the way, no permission) is a :class:`DatabasePathError` naming the setting.
    """
    path = Path(database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError as error:
        raise DatabasePathError(
            f"cannot use the SQLite database {database!r} ({error.strerror or error}): check"
            " NERVEMAP_DATABASE_URL (or NERVEMAP_DATA_DIR, which holds the default database);"
            " its folder must be a directory that can be created and written"
        ) from error


class EncodedJSON(str):
    """A JSON column's value already encoded by :func:`json_text`: stored as it is (the group commit
    encodes in the requesting thread, store/group_commit.py)."""

    __slots__ = ()


def json_text(value: Any) -> str:
    """A JSON column's value as its stored text: pydantic-core's serialiser (about 3x the standard
    library's on a stored assessment of 30-60 KB, issue 16), compact, UTF-8 as it is; an
    :class:`EncodedJSON` is that text already."""
    if type(value) is EncodedJSON:
        return value
    return pydantic_core.to_json(value).decode()


def json_value(text: str | bytes) -> Any:
    """A JSON column's stored text read back (pydantic-core's parser, about 2x the standard library's)."""
    return pydantic_core.from_json(text)


JSON_CODEC: dict[str, Any] = {"json_serializer": json_text, "json_deserializer": json_value}


def make_engine(
    url: str, sqlite_synchronous: str = SQLITE_SYNCHRONOUS[0], write_timeout_s: float = WRITE_GATE_TIMEOUT_S
) -> Engine:
    """An engine for ``url``; for SQLite, the file's folder and the file (0600) are created,
    ``sqlite_synchronous`` ("full" or "normal", see the module docstring) is set on each connection
    and writers queue at the file's :class:`WriteGate` for at most ``write_timeout_s``.
    JSON columns are written and read with :func:`json_text` and :func:`json_value`."""
    if sqlite_synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"sqlite_synchronous: one of {SQLITE_SYNCHRONOUS}, not {sqlite_synchronous!r}")
    if is_sqlite(url):
        from sqlalchemy.engine import make_url

        database = make_url(url).database
        gate = None
        if database and database != ":memory:" and not database.startswith("file:"):
            _prepare_sqlite_file(database)
            gate = write_gate(database)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}, **JSON_CODEC
        )
        _configure_sqlite(engine, sqlite_synchronous)
        if gate is None:  # an in-memory database: one connection, nothing to queue for
            _configure_begin(engine)
        else:
            _configure_gate(engine, gate, write_timeout_s)
            GROUP_COMMIT.add(engine)
        return engine
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **JSON_CODEC)
    GROUP_COMMIT.add(engine)
    return engine


def begin_read(session: Session) -> bool:
    """Begin the session's transaction as a read transaction (see the module docstring).

    Does nothing and answers False when a transaction is already open (it keeps its kind);
    ``session.commit()`` ends the read transaction, and the next one is a write transaction again.
    """
    if session.in_transaction():
        return False
    session.connection(execution_options={READ_ONLY: True})
    return True


def end_read(session: Session) -> bool:
    """End the session's read transaction, if one is open, so that the next statement begins a write
    transaction (an audit line after a page read). Answers whether one was open; a write transaction
    is left as it is."""
    if not session.in_transaction():
        return False
    if not session.connection().get_execution_options().get(READ_ONLY, False):
        return False
    session.commit()  # nothing to write: a read transaction holds no changes
    return True


def _refuse_writes_in_reads(session: Session, _context: Any, _instances: Any) -> None:
    if not (session.new or session.dirty or session.deleted):
        return
    if session.connection().get_execution_options().get(READ_ONLY, False):
        raise ReadOnlyTransaction("a write in a read transaction: commit the read first")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    event.listen(factory, "before_flush", _refuse_writes_in_reads)
    return factory
