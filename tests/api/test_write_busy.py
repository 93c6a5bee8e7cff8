"""A writer that cannot have SQLite's write gate in time is told so (issue 16): a 503 problem "busy",
nothing stored, and the next request writes as soon as the gate is free."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nervemap.app import create_app
from nervemap.settings import Settings
from nervemap.store.audit import AuditLog
from nervemap.store.db import make_engine, make_sessionmaker, write_gate
from nervemap.store.migrate import upgrade_database
from nervemap.store.models import AssessmentRecord, Role
from nervemap.store.users import UserRepository
from tests.api.conftest import assert_problem

CASE = {"age": 52, "findings": [{"id": "back_pain"}, {"id": "radiating_leg_pain", "side": "right"}]}


def test_a_post_that_waits_too_long_for_the_write_gate_is_a_503_and_stores_nothing(
    tmp_path: Path, password_hash: str
) -> None:
    database = tmp_path / "nervemap.db"
    url = f"sqlite:///{database}"
    upgrade_database(url)
    settings = Settings(
        data_dir=tmp_path, database_url=url, secret_key="test-secret-key", migrate_on_startup=False
    )
    app = create_app(settings)
    engine = make_engine(url, write_timeout_s=0.3)  # the app's sessions, with a short wait for the gate
    app.state.sessionmaker = make_sessionmaker(engine)
    with app.state.sessionmaker() as session:
        user = UserRepository(session).add("clinician@example.org", Role.CLINICIAN, password_hash)
        session.commit()
    token, _ = app.state.signer.issue(user.id)
    headers = {"Authorization": f"Bearer {token}"}
    holder = app.state.sessionmaker()
    try:
        with TestClient(app) as client:
            AuditLog(holder).record("cli", "a long write")
            holder.flush()  # holds the gate (and SQLite's write lock)
            assert write_gate(str(database)).held
            body = assert_problem(client.post("/v1/assessments", json=CASE, headers=headers), 503)
            assert body["type"].endswith(":busy")
            assert "nothing was stored" in body["detail"]
            assert body["errors"][0]["field"] == "database"
            holder.commit()
            assert client.post("/v1/assessments", json=CASE, headers=headers).status_code == 201
        with app.state.sessionmaker() as session:
            assert session.scalar(select(func.count(AssessmentRecord.id))) == 1
    finally:
        holder.close()
        engine.dispose()
        app.state.engine.dispose()
