"""Alembic 0007 (issue 18): users.token_generation and the invitation use count go up, down, up;
rows stored before it keep working (existing users at generation 0, existing invitations unlimited)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import inspect

from nervemap.store.db import make_engine
from nervemap.store.migrate import current_revision, downgrade_database, head_revision, upgrade_database
from tests.store.backends import BACKENDS, scratch_database

USER_COLUMNS = {"token_generation"}
LINK_COLUMNS = {"max_uses", "uses", "revoked_at"}


def _columns(url: str, table: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {column["name"] for column in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def _execute(url: str, statement: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.exec_driver_sql(statement)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", BACKENDS)
def test_account_revision_goes_up_down_up_and_keeps_rows(name: str, tmp_path: Path) -> None:
    user, link = str(uuid.uuid4()), str(uuid.uuid4())
    now = "2026-12-05 10:00:00+00:00"
    with scratch_database(name, tmp_path) as url:
        upgrade_database(url, "0006")
        assert not USER_COLUMNS & _columns(url, "users") and not LINK_COLUMNS & _columns(url, "patient_links")
        _execute(
            url,
            "INSERT INTO users (id, email, role, password_hash, active, created_at) "
            f"VALUES ('{user}', 'a@example.org', 'clinician', 'x', true, '{now}')",
        )
        _execute(
            url,
            "INSERT INTO patient_links (id, token_hash, created_by, created_at, expires_at) "
            f"VALUES ('{link}', 'h', '{user}', '{now}', '{now}')",
        )
        upgrade_database(url, "0007")
        assert _columns(url, "users") >= USER_COLUMNS and _columns(url, "patient_links") >= LINK_COLUMNS
        assert _execute(url, "SELECT token_generation FROM users WHERE email = 'a@example.org'") == [(0,)]
        assert _execute(url, "SELECT max_uses, uses, revoked_at FROM patient_links") == [(None, 0, None)]
        downgrade_database(url, "0006")
        assert current_revision(url) == "0006"
        assert not USER_COLUMNS & _columns(url, "users") and not LINK_COLUMNS & _columns(url, "patient_links")
        assert _execute(url, "SELECT email FROM users WHERE email = 'a@example.org'") == [("a@example.org",)]
        assert _execute(url, "SELECT token_hash FROM patient_links") == [("h",)]
        upgrade_database(url)
        assert _columns(url, "users") >= USER_COLUMNS and current_revision(url) == head_revision()
