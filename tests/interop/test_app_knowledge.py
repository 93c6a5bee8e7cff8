"""The FHIR and CDS Hooks routes answer with the knowledge base the app was built with (issue 17:
create_app(settings, knowledge=...)), not with the bundled one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from nervemap.app import create_app
from nervemap.engine.case import Case
from nervemap.interop import terminology as t
from nervemap.interop.items import QuestionSet
from nervemap.interop.questionnaire import questionnaire_id
from nervemap.interop.to_response import response_from_case
from nervemap.knowledge import default_knowledge
from nervemap.knowledge.loader import load_knowledge
from nervemap.settings import Settings
from nervemap.store.models import Base, Role
from nervemap.store.users import UserRepository

SMALL_KB = Path(__file__).resolve().parents[1] / "fixtures" / "kb_small"
CASE = {"age": 45, "sex": "female", "findings": [{"id": "back_pain"}, {"id": "slr_positive", "side": "left"}]}
BACK_PAIN = {
    "resourceType": "Observation",
    "id": "o1",
    "status": "final",
    "code": {"coding": [{"system": t.FINDING, "code": "back_pain"}]},
    "subject": {"reference": "Patient/p1"},
    "valueBoolean": True,
}
PATIENT_VIEW = {
    "hook": "patient-view",
    "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    "context": {"userId": "Practitioner/1", "patientId": "p1"},
    "prefetch": {
        "patient": {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1980-01-01"},
        "observations": {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": BACK_PAIN}]},
        "conditions": None,
    },
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder = tmp_path_factory.mktemp("app-knowledge")
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'nervemap.db'}",
        secret_key="test-secret-key",
        migrate_on_startup=False,
    )
    app = create_app(settings, knowledge=load_knowledge(SMALL_KB))
    Base.metadata.create_all(app.state.engine)
    yield app
    app.state.engine.dispose()


@pytest.fixture(scope="module")
def headers(app: FastAPI) -> dict[str, str]:
    with app.state.sessionmaker() as session:
        user = UserRepository(session).add("clinician@example.org", Role.CLINICIAN, "not-a-login-hash")
        session.commit()
        token, _ = app.state.signer.issue(user.id)
    return {"Authorization": f"Bearer {token}"}


def _version(bundle: dict[str, Any]) -> str:
    """The knowledge-base version the ClinicalImpression of an output Bundle names."""
    for entry in bundle["entry"]:
        for extension in entry["resource"].get("extension", []):
            if extension["url"] == t.KNOWLEDGE_VERSION_EXTENSION:
                version: str = extension["valueString"]
                return version
    raise AssertionError("no knowledge-version extension in the bundle")


def test_the_fixture_is_not_the_bundled_knowledge() -> None:
    assert default_knowledge().knowledge.version != "fixture-1"


def test_metadata_names_the_apps_knowledge(app: FastAPI) -> None:
    with TestClient(app) as client:
        statement = client.get("/v1/fhir/metadata")
    assert statement.status_code == 200, statement.text
    assert statement.json()["implementation"]["description"].endswith("knowledge base fixture-1")


def test_questionnaire_and_assess_use_the_apps_knowledge(app: FastAPI, headers: dict[str, str]) -> None:
    kb = app.state.knowledge.knowledge
    response = response_from_case(Case.model_validate(CASE), QuestionSet.ALL, kb)
    with TestClient(app) as client:
        questionnaire = client.get(
            f"/v1/fhir/Questionnaire/{questionnaire_id(QuestionSet.ALL)}", headers=headers
        )
        assessed = client.post(
            "/v1/fhir/QuestionnaireResponse/$assess",
            json=response.model_dump(mode="json", exclude_none=True),
            headers=headers,
        )
    assert questionnaire.status_code == 200, questionnaire.text
    assert questionnaire.json()["version"] == "fixture-1"
    assert assessed.status_code == 200, assessed.text
    assert _version(assessed.json()) == "fixture-1"
    conditions = {
        coding["code"]
        for entry in assessed.json()["entry"]
        if entry["resource"]["resourceType"] == "Condition"
        for coding in entry["resource"]["code"]["coding"]
        if coding["system"] == t.CONDITION
    }
    assert conditions and conditions <= {c.id for c in kb.conditions}


def test_a_cds_call_uses_the_apps_knowledge(app: FastAPI, headers: dict[str, str]) -> None:
    with TestClient(app) as client:
        answer = client.post("/cds-services/nervemap-leg-pain", json=PATIENT_VIEW, headers=headers)
    assert answer.status_code == 200, answer.text
    cards = answer.json()["cards"]
    assert cards, answer.json()
    assert "Knowledge base fixture-1." in cards[0]["detail"]
