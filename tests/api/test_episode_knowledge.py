"""Episodes read their course with the knowledge base the app was built with (issue 17 item 2:
create_app(settings, knowledge) -> app.state.knowledge -> server.deps.get_knowledge -> the episode
service), not with the bundled one: every recomputation of the course is handed that knowledge."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from nervemap.followup import CheckinInput, CourseSummary
from nervemap.knowledge.loader import load_knowledge
from nervemap.knowledge.models import KnowledgeBase
from nervemap.services import episodes
from nervemap.store.models import Episode, User
from tests.api.conftest import AppFactory, bearer

SMALL_KB = Path(__file__).resolve().parents[1] / "fixtures" / "kb_small"
CASE = {"age": 45, "sex": "female", "findings": [{"id": "back_pain"}, {"id": "pain_below_knee"}]}


def _course_readings(monkeypatch: pytest.MonkeyPatch) -> list[KnowledgeBase | None]:
    """From now on, the knowledge base each reading of a course (followup.summarise_course) gets."""
    seen: list[KnowledgeBase | None] = []
    summarise = episodes.summarise_course

    def spy(checkins: Sequence[CheckinInput], knowledge: KnowledgeBase | None = None) -> CourseSummary:
        seen.append(knowledge)
        return summarise(checkins, knowledge)

    monkeypatch.setattr(episodes, "summarise_course", spy)
    return seen


def test_the_episode_course_is_read_with_the_apps_knowledge(
    make_app: AppFactory, clinician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(load_knowledge(SMALL_KB))
    seen = _course_readings(monkeypatch)
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
    assert [s.status_code for s in steps] == [201, 200, 200, 200], [s.text for s in steps]
    assert len(seen) == 5  # start, check-in, schedule reset, review, close
    assert all(k is app.state.knowledge.knowledge for k in seen)
    assert app.state.knowledge.knowledge.version == "fixture-1"


def test_a_stored_course_is_read_again_with_the_apps_knowledge(
    make_app: AppFactory, session: Session, clinician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stored course the model no longer reads is summarised again on reading (services.episodes.
    _stored_course): by get_episode, list_checkins, episode_by_link and an idempotent replay, each
    with the app's knowledge, never the bundled one."""
    app = make_app(load_knowledge(SMALL_KB))
    with TestClient(app) as client:
        headers = bearer(app, clinician)
        first = client.post("/v1/assessments", json=CASE, headers=headers)
        started = client.post("/v1/episodes", json={"assessment_id": first.json()["id"]}, headers=headers)
        assert started.status_code == 201, started.text
        identifier = started.json()["id"]
        episode = f"/v1/episodes/{identifier}"
        keyed = {**headers, "Idempotency-Key": "checkin-1"}
        assert client.post(f"{episode}/checkins", json=CASE, headers=keyed).status_code == 201
        link = client.post(f"{episode}/links", json={}, headers=headers)
        assert link.status_code == 201, link.text
        session.execute(update(Episode).where(Episode.id == uuid.UUID(identifier)).values(course={}))
        session.commit()  # a course this nervemap no longer reads
        seen = _course_readings(monkeypatch)
        reads = [
            client.get(episode, headers=headers),
            client.get(f"{episode}/checkins", headers=headers),
            client.get(link.json()["path"]),
            client.post(f"{episode}/checkins", json=CASE, headers=keyed),  # the replay
        ]
    assert [r.status_code for r in reads] == [200, 200, 200, 201], [r.text for r in reads]
    assert len(seen) == 4
    assert all(k is app.state.knowledge.knowledge for k in seen)
