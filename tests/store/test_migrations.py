from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from nervemap.store.db import make_engine
from nervemap.store.migrate import current_revision, downgrade_database, head_revision, upgrade_database
from nervemap.store.models import Base
from tests.store.backends import BACKENDS, scratch_database

TABLES = {
    "users",
    "api_keys",
    "assessments",
    "patient_links",
    "audit_events",
    "interviews",
    "consultation_requests",
    "cds_feedback",
}
EPISODE_TABLES = {"episodes", "episode_checkins", "episode_links", "outbox_messages"}
TABLES |= EPISODE_TABLES


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", BACKENDS)
def test_empty_to_head_to_base_to_head(name: str, tmp_path: Path) -> None:
    with scratch_database(name, tmp_path) as url:
        _round_trip(url)


def _round_trip(url: str) -> None:
    downgrade_database(url)
    assert _tables(url) == set()
    upgrade_database(url)
    assert _tables(url) == TABLES
    assert current_revision(url) == head_revision()
    downgrade_database(url)
    assert _tables(url) == set() and current_revision(url) is None
    upgrade_database(url)
    assert _tables(url) == TABLES
    upgrade_database(url)  # idempotent


@pytest.mark.parametrize("name", BACKENDS)
def test_head_matches_the_models(name: str, tmp_path: Path) -> None:
    with scratch_database(name, tmp_path) as url:
        _compare(url)


def _compare(url: str) -> None:
    upgrade_database(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", BACKENDS)
def test_cds_feedback_revision_goes_up_and_down_alone(name: str, tmp_path: Path) -> None:
    with scratch_database(name, tmp_path) as url:
        upgrade_database(url, "0002")
        assert _tables(url) == TABLES - {"cds_feedback"} - EPISODE_TABLES
        upgrade_database(url, "0003")
        assert _tables(url) == TABLES - EPISODE_TABLES
        downgrade_database(url, "0002")
        assert _tables(url) == TABLES - {"cds_feedback"} - EPISODE_TABLES
        assert current_revision(url) == "0002"
        upgrade_database(url)
        assert current_revision(url) == head_revision()


@pytest.mark.parametrize("name", BACKENDS)
def test_episodes_revision_goes_up_down_up_alone(name: str, tmp_path: Path) -> None:
    """0004 (issue 19) adds the follow-up tables and removes only them; rows before it survive."""
    with scratch_database(name, tmp_path) as url:
        upgrade_database(url, "0003")
        engine = make_engine(url)
        try:
            with engine.begin() as connection:
                connection.exec_driver_sql(
                    "INSERT INTO audit_events (at, actor, action) VALUES (CURRENT_TIMESTAMP, 'cli', 'x')"
                )
        finally:
            engine.dispose()
        upgrade_database(url, "0004")
        assert _tables(url) == TABLES and current_revision(url) == "0004"
        downgrade_database(url, "0003")
        assert _tables(url) == TABLES - EPISODE_TABLES and current_revision(url) == "0003"
        upgrade_database(url, "0004")
        assert _tables(url) == TABLES
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                count = connection.exec_driver_sql("SELECT count(*) FROM audit_events").scalar_one()
        finally:
            engine.dispose()
        assert count == 1


def _columns(url: str, table: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {column["name"] for column in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", BACKENDS)
def test_checkin_idempotency_revision_goes_up_down_up(name: str, tmp_path: Path) -> None:
    """0005 adds episode_checkins.idempotency_key (a batch rebuild on SQLite) and takes it away again."""
    with scratch_database(name, tmp_path) as url:
        upgrade_database(url, "0005")
        assert "idempotency_key" in _columns(url, "episode_checkins")
        downgrade_database(url, "0004")
        assert "idempotency_key" not in _columns(url, "episode_checkins")
        assert _tables(url) == TABLES
        upgrade_database(url)
        assert "idempotency_key" in _columns(url, "episode_checkins")
        assert current_revision(url) == head_revision()


@pytest.mark.parametrize("name", BACKENDS)
def test_checkin_void_revision_goes_up_down_up(name: str, tmp_path: Path) -> None:
    """0006 adds who voided a check-in, when and why, and takes it away again."""
    void = {"voided_at", "voided_by", "void_reason"}
    with scratch_database(name, tmp_path) as url:
        upgrade_database(url, "0006")
        assert void <= _columns(url, "episode_checkins")
        downgrade_database(url, "0005")
        assert not void & _columns(url, "episode_checkins")
        assert "idempotency_key" in _columns(url, "episode_checkins")
        upgrade_database(url)
        assert void <= _columns(url, "episode_checkins") and current_revision(url) == head_revision()


@pytest.mark.parametrize("name", BACKENDS)
def test_episode_patient_ref_revision_goes_up_down_up(name: str, tmp_path: Path) -> None:
    """0008 adds the EHR's patient id to episodes (indexed) and takes it away again."""
    with scratch_database(name, tmp_path) as url:
        upgrade_database(url, "0008")
        assert "patient_ref" in _columns(url, "episodes")
        downgrade_database(url, "0007")
        assert "patient_ref" not in _columns(url, "episodes") and current_revision(url) == "0007"
        upgrade_database(url)
        assert "patient_ref" in _columns(url, "episodes") and current_revision(url) == head_revision()


@pytest.mark.parametrize("name", BACKENDS)
def test_checkins_survive_the_later_episode_revisions_both_ways(name: str, tmp_path: Path) -> None:
    """0005 and 0006 rebuild episode_checkins on SQLite (batch mode), 0008 alters episodes: a check-in
    stored at 0004 is kept going up to the head and back down to 0004."""
    ids = {key: str(uuid.uuid4()) for key in ("user", "assessment", "episode", "checkin")}
    now = "2026-12-05 10:00:00+00:00"
    who = {"created_by": ids["user"]}
    versions = {"knowledge_version": "k", "nervemap_version": "n", "triage_level": "routine"}
    rows: list[tuple[str, dict[str, object]]] = [
        ("users", {"id": ids["user"], "email": "m@example.org", "role": "clinician", "password_hash": "x"}),
        (
            "assessments",
            {
                "id": ids["assessment"],
                "source_kind": "structured",
                "input": "{}",
                "output": "{}",
                "status": "new",
            }
            | who
            | versions,
        ),
        (
            "episodes",
            {
                "id": ids["episode"],
                "updated_at": now,
                "first_assessment_id": ids["assessment"],
                "status": "open",
            }
            | {"needs_clinician_review": False, "overall": "first check-in", "schedule": "[]", "course": "{}"}
            | who
            | versions,
        ),
        (
            "episode_checkins",
            {
                "id": ids["checkin"],
                "episode_id": ids["episode"],
                "assessment_id": ids["assessment"],
                "at": now,
            }
            | {"source": "clinician", "actor": "user:x", "measures": "{}", "escalations": "[]"}
            | {"triage_level": "routine"},
        ),
    ]
    rows[0][1].update(active=True, created_at=now)
    rows[1][1].update(created_at=now)
    rows[2][1].update(created_at=now)
    with scratch_database(name, tmp_path) as url:
        upgrade_database(url, "0004")
        _execute(url, rows)
        upgrade_database(url)
        assert _checkin_ids(url) == [ids["checkin"]]
        downgrade_database(url, "0004")
        assert _checkin_ids(url) == [ids["checkin"]]


def _execute(url: str, rows: list[tuple[str, dict[str, object]]]) -> None:
    """Insert rows with plain SQL (the models describe the head, not this revision)."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for table, values in rows:
                columns = ", ".join(values)
                marks = ", ".join(f":{column}" for column in values)
                connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), values)
    finally:
        engine.dispose()


def _checkin_ids(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.exec_driver_sql("SELECT id FROM episode_checkins").scalars().all()
    finally:
        engine.dispose()
    return [str(uuid.UUID(str(value))) for value in found]


@pytest.mark.parametrize("name", BACKENDS)
def test_link_interview_state_revision_goes_up_down_up(name: str, tmp_path: Path) -> None:
    """0010 drops the unused patient_links.interview_state and adds it back empty; a link survives both."""
    user, link = str(uuid.uuid4()), str(uuid.uuid4())
    now = "2026-12-05 10:00:00+00:00"
    rows: list[tuple[str, dict[str, object]]] = [
        (
            "users",
            {"id": user, "email": "m@example.org", "role": "clinician", "password_hash": "x"}
            | {"active": True, "created_at": now},
        ),
        (
            "patient_links",
            {"id": link, "token_hash": "0" * 64, "created_by": user, "created_at": now, "expires_at": now},
        ),
    ]
    with scratch_database(name, tmp_path) as url:
        upgrade_database(url, "0009")
        assert "interview_state" in _columns(url, "patient_links")
        _execute(url, rows)
        upgrade_database(url, "0010")
        assert "interview_state" not in _columns(url, "patient_links") and _link_ids(url) == [link]
        downgrade_database(url, "0009")
        assert "interview_state" in _columns(url, "patient_links") and _link_ids(url) == [link]
        upgrade_database(url)
        assert "interview_state" not in _columns(url, "patient_links") and _link_ids(url) == [link]
        assert current_revision(url) == head_revision()


def _link_ids(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.exec_driver_sql("SELECT id FROM patient_links").scalars().all()
    finally:
        engine.dispose()
    return [str(uuid.UUID(str(value))) for value in found]
