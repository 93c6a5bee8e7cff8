"""Engines and sessions. SQLite gets WAL mode, foreign keys, and two kinds of transaction.

- A write transaction (the default) opens with ``BEGIN IMMEDIATE``: it takes SQLite's write lock
  at once, so a transaction that reads and then writes waits its turn (``busy_timeout``) instead
  of failing with "database is locked" when another connection wrote in between.
- A read transaction (:func:`begin_read`) opens with a plain ``BEGIN``: in WAL mode it reads the
  last committed state without taking or waiting for the write lock, so reads do not queue behind
  writers (nor writers behind reads). A flush in a read transaction raises
  :class:`ReadOnlyTransaction`: it could not take the write lock safely.

On PostgreSQL both are ordinary transactions; the read-only check applies there too.

Writers queue for the write lock in line (:class:`WriteGate`): SQLite's own wait for a locked
database is a busy handler that sleeps and retries (1, 2, 5, 10 ... up to 100 ms a try), so under
many concurrent writers a waiting transaction slept long after the lock was free, and the lock sat
idle. A write transaction on a SQLite file first takes the gate - a lock per process, then an
``flock`` on ``<database>.writer-lock`` shared by the processes (``serve --workers``) - and gives it
back when it commits or rolls back; waiting there wakes as soon as the writer before it is done.
The busy handler stays, for writers outside nervemap (the ``sqlite3`` shell, another program).

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
import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_S = 30
SQLITE_SYNCHRONOUS = ("full", "normal")  # PRAGMA synchronous values offered; the first is the default
READ_ONLY = "nervemap_read_only"  # connection execution option set by begin_read
GATE_HELD = "nervemap_write_gate"  # Connection.info key: this connection's transaction holds the gate


class ReadOnlyTransaction(RuntimeError):
    """A session tried to write in a transaction begun by :func:`begin_read`."""


class DatabasePathError(RuntimeError):
    """The SQLite file's folder cannot be created or the file cannot be opened."""


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


class WriteGate:
    """One writer at a time on one SQLite file, in line: a re-entrant lock for the threads of this
    process, and an exclusive ``flock`` on ``<database>.writer-lock`` for the processes.

    ``flock`` waits in the kernel (without the GIL) and wakes the next waiter when the holder lets
    go. Re-entrant so that a thread already writing can open a nested write (it then waits on
    SQLite's busy handler, as it did before the gate). The lock file is never the database file:
    closing any descriptor of the database file would drop SQLite's own POSIX locks.
    """

    def __init__(self, lock_path: Path) -> None:
        self.path = lock_path
        self._threads = threading.RLock()
        self._depth = 0  # changed only by the thread holding _threads
        self._fd: int | None = None

    def _file(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        return self._fd

    def acquire(self) -> None:
        self._threads.acquire()
        try:
            if self._depth == 0:
                fcntl.flock(self._file(), fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        self._depth += 1

    def release(self) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()


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


def _configure_sqlite(engine: Engine, synchronous: str, gate: WriteGate | None = None) -> None:
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

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY, False):
            connection.exec_driver_sql("BEGIN")
            return
        if gate is None:  # an in-memory database: one connection, nothing to queue for
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        gate.acquire()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            gate.release()
            raise
        connection.info[GATE_HELD] = gate

    # SQLAlchemy's commit and rollback events come before the driver's commit or rollback: end the
    # transaction here, then let the next writer in (the driver's own call then has nothing to end).
    @event.listens_for(engine, "commit")
    def _on_commit(connection: Any) -> None:
        held = connection.info.pop(GATE_HELD, None)
        if held is not None:
            try:
                connection.connection.commit()
            except sqlite3.Error:
                pass  # still open: the driver's commit that follows raises it, as SQLAlchemy words it
            finally:
                held.release()

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection: Any) -> None:
        held = connection.info.pop(GATE_HELD, None)
        if held is not None:
            try:
                connection.connection.rollback()
            except Exception:  # an invalid connection: SQLAlchemy's own rollback deals with it
                pass
            finally:
                held.release()


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


def make_engine(url: str, sqlite_synchronous: str = SQLITE_SYNCHRONOUS[0]) -> Engine:
    """An engine for ``url``; for SQLite, the file's folder and the file (0600) are created and
    ``sqlite_synchronous`` ("full" or "normal", see the module docstring) is set on each connection."""
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
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}
        )
        _configure_sqlite(engine, sqlite_synchronous, gate)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def begin_read(session: Session) -> bool:
    """Begin the session's transaction as a read transaction (see the module docstring).

    Does nothing and answers False when a transaction is already open (it keeps its kind);
    ``session.commit()`` ends the read transaction, and the next one is a write transaction again.
    """
    if session.in_transaction():
        return False
    session.connection(execution_options={READ_ONLY: True})
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
