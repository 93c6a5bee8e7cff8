from __future__ import annotations

from tests.store.backends import backend, connection, engine, session

__all__ = ["backend", "connection", "engine", "session"]
