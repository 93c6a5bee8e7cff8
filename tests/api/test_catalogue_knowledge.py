"""The question catalogue travels with the knowledge base (issue 17): an app built on a compiled
knowledge base that was given its own catalogue (``interview.catalogue.use_catalogue``) asks that
catalogue's questions through the API and words the patient's and the clinician's pages with it;
nothing reaches the packaged catalogue (``default_catalogue``) once the app is built."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nervemap.engine.assess import assess
from nervemap.engine.compiled import CompiledKnowledge, compile_knowledge, default_compiled
from nervemap.interview import catalogue as catalogue_module
from nervemap.interview.catalogue import Catalogue, catalogue_for, default_catalogue, use_catalogue
from nervemap.knowledge.loader import load_knowledge
from nervemap.presentation.plain import patient_view
from nervemap.store.types import utcnow
from nervemap.web import present
from tests.api.conftest import AppFactory

MARK = "Fixture: "


def _altered() -> Catalogue:
    """The packaged catalogue with every question's and every site's wording marked."""
    data = default_catalogue().model_dump(mode="json")
    data["version"] += "-fixture"
    for question in data["questions"]:
        question["clinician"] = MARK + question["clinician"]
        if question["patient"]:
            question["patient"] = MARK + question["patient"]
    for wording in data["sites"].values():
        wording["patient"] = MARK + wording["patient"]
    return Catalogue.model_validate(data)


@pytest.fixture
def knowledge(monkeypatch: pytest.MonkeyPatch) -> CompiledKnowledge:
    """A knowledge base of its own with the altered catalogue; the packaged one made unreachable."""
    compiled = use_catalogue(compile_knowledge(load_knowledge()), _altered())
    assert compiled is not default_compiled()

    def packaged() -> Catalogue:
        raise AssertionError("reached for the packaged question catalogue")

    monkeypatch.setattr(catalogue_module, "default_catalogue", packaged)
    return compiled


def test_an_app_asks_its_knowledge_bases_questions(
    knowledge: CompiledKnowledge, make_app: AppFactory
) -> None:
    app = make_app(knowledge)
    assert app.state.knowledge is knowledge and catalogue_for(knowledge).version.endswith("-fixture")
    with TestClient(app) as client:
        started = client.post("/v1/interviews", json={"mode": "patient"})
        assert started.status_code == 201, started.text
        token = started.json()["token"]
        read = client.get(f"/v1/interviews/{token}")
        answered = client.post(f"/v1/interviews/{token}/answers", json={"question": "age", "value": 41})
        back = client.post(f"/v1/interviews/{token}/back")
    assert [r.status_code for r in (read, answered, back)] == [200] * 3
    first = started.json()["step"]["question"]
    assert first["id"] == "red_flags_nerves" and first["text"].startswith(MARK)
    assert read.json()["step"]["question"]["text"] == first["text"]
    assert all(r.json()["question"]["text"].startswith(MARK) for r in (answered, back))  # a step each


def test_the_pages_are_worded_from_its_catalogue(knowledge: CompiledKnowledge) -> None:
    golden = Path(__file__).parents[1] / "golden" / "cases.jsonl"
    rows = [json.loads(line) for line in golden.read_text().splitlines() if line.strip()]
    case = next(row["case"] for row in rows if row["id"] == "l2-left-disc")  # worded: an L2 root
    assessment = assess(case, knowledge)
    view = patient_view(assessment, utcnow(), knowledge)
    assert view.likely_source and MARK.lower() in view.likely_source.lower()
    screens, _ = present.red_flag_checklist(assessment, knowledge)
    assert screens and all(line.name.startswith(MARK) for line in screens)


def test_a_catalogue_that_does_not_fit_is_refused() -> None:
    data = default_catalogue().model_dump(mode="json")
    data["questions"][0]["options"][0]["findings"] = ["no_such_finding"]
    with pytest.raises(ValueError, match="unknown finding 'no_such_finding'"):
        use_catalogue(compile_knowledge(load_knowledge()), Catalogue.model_validate(data))
