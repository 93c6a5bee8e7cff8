"""Engines and sessions. SQLite gets WAL mode, foreign keys, and two kinds of transaction.

- A write transaction (the default) opens with ``BEGIN IMMEDIATE``: it takes SQLite's write lock
  at once, so a transaction that reads and then writes waits its turn (``busy_timeout``) instead
  of failing with "database is locked" when another connection wrote in between.
- A read transaction (:func:`begin_read`) opens with a plain ``BEGIN``: in WAL mode it reads the
  last committed state without taking or waiting for the write lock, so reads do not queue behind
  writers (nor writers behind reads). A flush in a read transaction raises
  :class:`ReadOnlyTransaction`: it could not take the write lock safely.

On PostgreSQL both are ordinary transactions; the read-only check applies there too.

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

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_S = 30
SQLITE_SYNCHRONOUS = ("full", "normal")  # PRAGMA synchronous values offered; the first is the default
READ_ONLY = "nervemap_read_only"  # connection execution option set by begin_read


class ReadOnlyTransaction(RuntimeError):
    """A session tried to write in a transaction begun by :func:`begin_read`."""


class DatabasePathError(RuntimeError):
    """The SQLite file's folder cannot be created or the file cannot be opened."""


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


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
    import os
    from pathlib import Path

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
        if database and database != ":memory:" and not database.startswith("file:"):
            _prepare_sqlite_file(database)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}
        )
        _configure_sqlite(engine, sqlite_synchronous)
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
