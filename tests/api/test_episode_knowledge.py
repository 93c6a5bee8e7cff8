"""Episodes read their course with the knowledge base the app was built with (issue 17 item 2:
create_app(settings, knowledge) -> app.state.knowledge -> server.deps.get_knowledge -> the episode
service), not with the bundled one: every recomputation of the course is handed that knowledge."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from nervemap.app import create_app
from nervemap.followup import CheckinInput, CourseSummary
from nervemap.knowledge.loader import load_knowledge
from nervemap.knowledge.models import KnowledgeBase
from nervemap.server.deps import get_session
from nervemap.services import episodes
from nervemap.settings import Settings
from nervemap.store.models import User
from tests.api.conftest import bearer
from tests.store.backends import bound_session

SMALL_KB = Path(__file__).resolve().parents[1] / "fixtures" / "kb_small"
CASE = {"age": 45, "sex": "female", "findings": [{"id": "back_pain"}, {"id": "pain_below_knee"}]}


def test_the_episode_course_is_read_with_the_apps_knowledge(
    settings: Settings, connection: Connection, clinician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(settings, knowledge=load_knowledge(SMALL_KB))
    seen: list[KnowledgeBase | None] = []
    summarise = episodes.summarise_course

    def spy(checkins: Sequence[CheckinInput], knowledge: KnowledgeBase | None = None) -> CourseSummary:
        seen.append(knowledge)
        return summarise(checkins, knowledge)

    monkeypatch.setattr(episodes, "summarise_course", spy)

    def _session() -> Iterator[Session]:
        with bound_session(connection) as session:
            yield session

    app.dependency_overrides[get_session] = _session
    try:
        with TestClient(app) as client:
            headers = bearer(app, clinician)
            first = client.post("/v1/assessments", json=CASE, headers=headers)
            assert first.status_code == 201, first.text
            started = client.post("/v1/episodes", json={"assessment_id": first.json()["id"]}, headers=headers)
            assert started.status_code == 201, started.text
            episode = f"/v1/episodes/{started.json()['id']}"
            steps = [
                client.post(f"{episode}/checkins", json=CASE, headers=headers),
                client.patch(f"{episode}/schedule", json={"reset": True}, headers=headers),
                client.post(f"{episode}/review", json={"comment": "seen"}, headers=headers),
                client.post(f"{episode}/close", headers=headers),
            ]
    finally:
        app.state.engine.dispose()
    assert [s.status_code for s in steps] == [201, 200, 200, 200], [s.text for s in steps]
    assert len(seen) == 5  # start, check-in, schedule reset, review, close
    assert all(k is app.state.knowledge.knowledge for k in seen)
    assert app.state.knowledge.knowledge.version == "fixture-1"
