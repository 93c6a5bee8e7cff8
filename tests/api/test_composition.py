"""The composition root (issue 17): create_app(settings, knowledge=...) builds the service with the
knowledge base it is given, and the routers assess with it, not with a process-wide default."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from nervemap.app import create_app
from nervemap.engine.compiled import CompiledKnowledge, default_compiled
from nervemap.knowledge.loader import load_knowledge
from nervemap.settings import Settings
from nervemap.store.models import User
from tests.api.conftest import AppFactory, bearer

SMALL_KB = Path(__file__).resolve().parents[1] / "fixtures" / "kb_small"
CASE = {"age": 45, "sex": "female", "findings": [{"id": "back_pain"}, {"id": "pain_below_knee"}]}


def test_the_app_assesses_with_the_knowledge_it_was_built_with(make_app: AppFactory, clinician: User) -> None:
    app = make_app(load_knowledge(SMALL_KB))
    assert isinstance(app.state.knowledge, CompiledKnowledge)
    assert app.state.knowledge.knowledge.version == "fixture-1"
    with TestClient(app) as client:
        answer = client.post("/v1/assessments", json=CASE, headers=bearer(app, clinician))
        summary = client.get("/v1/knowledge", headers=bearer(app, clinician))
        conditions = client.get("/v1/knowledge/conditions", headers=bearer(app, clinician))
    assert answer.status_code == 201, answer.text
    assert answer.json()["knowledge_version"] == "fixture-1"
    assert {c["id"] for c in answer.json()["output"]["differential"]} <= {
        c.id for c in app.state.knowledge.conditions
    }
    assert summary.json()["version"] == "fixture-1"
    assert [c["id"] for c in conditions.json()] == [c.id for c in app.state.knowledge.knowledge.conditions]


def test_without_a_knowledge_base_the_app_uses_the_bundled_one(settings: Settings) -> None:
    app = create_app(settings)
    try:
        assert app.state.knowledge is default_compiled()
    finally:
        app.state.engine.dispose()
