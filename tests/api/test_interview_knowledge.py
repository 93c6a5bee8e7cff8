"""Interviews run on the knowledge base the app was built with (issue 17 item 2: create_app(settings,
knowledge) -> app.state.knowledge -> server.deps.get_knowledge -> services.interviews), never on the
process-wide bundled one: starting, reading, answering, going back, assessing and finishing an
interview through the API work with the bundled default made unreachable."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from nervemap.engine.compiled import CompiledKnowledge, default_compiled
from nervemap.interview import InterviewSession
from nervemap.knowledge.loader import load_knowledge
from nervemap.services import interviews
from tests.api.conftest import AppFactory


def test_an_interview_runs_on_the_apps_knowledge(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(load_knowledge())
    knowledge: CompiledKnowledge = app.state.knowledge
    assert knowledge is not default_compiled()
    sessions: list[CompiledKnowledge] = []
    original = InterviewSession.from_saved.__func__  # type: ignore[attr-defined]

    def from_saved(cls: type[InterviewSession], *args: object, **kwargs: object) -> InterviewSession:
        session: InterviewSession = original(cls, *args, **kwargs)
        sessions.append(session.compiled)
        return session

    def bundled() -> CompiledKnowledge:
        raise AssertionError("the interview service reached for the bundled knowledge base")

    monkeypatch.setattr(interviews, "default_compiled", bundled)
    monkeypatch.setattr(InterviewSession, "from_saved", classmethod(from_saved))
    with TestClient(app) as client:
        started = client.post("/v1/interviews", json={"mode": "patient"})
        assert started.status_code == 201, started.text
        token = started.json()["token"]
        question = started.json()["step"]["question"]["id"]
        read = client.get(f"/v1/interviews/{token}")
        answered = client.post(f"/v1/interviews/{token}/answers", json={"question": "age", "value": 41})
        back = client.post(f"/v1/interviews/{token}/back")
        again = client.post(f"/v1/interviews/{token}/answers", json={"question": "age", "value": 41})
        assessment = client.get(f"/v1/interviews/{token}/assessment")
        finished = client.post(f"/v1/interviews/{token}/finish")
    assert question == "red_flags_nerves"
    assert [r.status_code for r in (read, answered, back, again, assessment)] == [200] * 5
    assert finished.status_code in (200, 201), finished.text
    assert assessment.json()["knowledge_version"] == knowledge.knowledge.version
    assert sessions and all(c is knowledge for c in sessions)  # every replay used the app's knowledge
