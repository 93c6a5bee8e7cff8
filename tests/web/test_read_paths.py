"""Pure reads take no write lock (issue 16 item 4): the clinician's queue and the assessment page read
in a read transaction (a plain BEGIN on SQLite); the review, which writes, does not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nervemap import assess
from nervemap.app import create_app
from nervemap.engine.case import Case
from nervemap.services import assessments, consultations
from nervemap.settings import Settings
from nervemap.store.assessments import AssessmentRepository
from nervemap.store.db import READ_ONLY
from nervemap.store.models import Base, Role, SourceKind
from nervemap.store.users import UserRepository
from tests.web.conftest import csrf_of, sign_in

CASE = {"age": 45, "sex": "female", "findings": [{"id": "back_pain"}, {"id": "pain_below_knee"}]}


def _read_only(db: Session) -> bool:
    return bool(db.connection().get_execution_options().get(READ_ONLY, False))


def test_the_queue_and_the_page_read_in_a_read_transaction_and_the_review_writes(
    tmp_path: Path, password_hash: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the app's own sessions (one connection per request, writes refused in a read transaction)
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'nervemap.db'}",
        secret_key="test-secret-key",
        migrate_on_startup=False,
    )
    app = create_app(settings)
    Base.metadata.create_all(app.state.engine)
    case = Case.model_validate(CASE)
    with app.state.sessionmaker() as session:
        clinician = UserRepository(session).add("clinician@example.org", Role.CLINICIAN, password_hash)
        session.flush()
        record = AssessmentRepository(session).add(
            created_by=clinician.id,
            source_kind=SourceKind.STRUCTURED,
            input=case.model_dump(mode="json", exclude_none=True),
            assessment=assess(case),
        )
        session.commit()
    found: list[bool] = []
    queued: list[bool] = []
    find, queue = assessments.find_assessment, consultations.queue

    def find_spy(db: Session, *args: Any, **kwargs: Any) -> Any:
        found.append(_read_only(db))
        return find(db, *args, **kwargs)

    def queue_spy(db: Session, *args: Any, **kwargs: Any) -> Any:
        answer = queue(db, *args, **kwargs)
        queued.append(_read_only(db))
        return answer

    monkeypatch.setattr(assessments, "find_assessment", find_spy)
    monkeypatch.setattr(consultations, "queue", queue_spy)
    try:
        with TestClient(app) as client:
            sign_in(client)  # lands on the queue (a request whose sign-in check may have written first)
            queued.clear()
            assert client.get("/clinic").status_code == 200
            page = client.get(f"/clinic/assessments/{record.id}")
            found_on_page = list(found)
            reviewed = client.post(
                f"/clinic/assessments/{record.id}/review",
                data={"csrf": csrf_of(page.text), "comment": "Physio"},
            )
    finally:
        app.state.engine.dispose()
    assert queued[0] is True  # the queue page (and the assessment page's "next" link read it again)
    assert page.status_code == 200 and "Evidence for and against" in page.text
    assert found_on_page == [True]  # the page: a read transaction, ended by its audit line
    assert reviewed.status_code == 200 and 'data-testid="status">reviewed' in reviewed.text
    assert found[1] is False  # the review path finds the assessment in a write transaction
