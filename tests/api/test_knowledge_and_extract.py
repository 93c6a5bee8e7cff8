from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from nervemap.knowledge.loader import default_knowledge
from tests.api.conftest import assert_problem


def test_knowledge_summary_and_lists(
    client: TestClient, as_clinician: dict[str, str], as_admin: dict[str, str]
) -> None:
    kb = default_knowledge().knowledge
    summary = client.get("/v1/knowledge", headers=as_admin).json()
    assert summary["version"] == kb.version
    assert summary["counts"]["conditions"] == len(kb.conditions)
    for kind, expected in (
        ("findings", kb.findings),
        ("conditions", kb.conditions),
        ("regions", kb.anatomy.regions),
        ("sources", kb.sources),
    ):
        response = client.get(f"/v1/knowledge/{kind}", headers=as_clinician)
        assert response.status_code == 200
        assert [item["id"] for item in response.json()] == [item.id for item in expected]


def test_knowledge_is_read_only(client: TestClient, as_admin: dict[str, str]) -> None:
    assert_problem(client.post("/v1/knowledge/findings", json=[], headers=as_admin), 405)


def test_extract_reads_a_note_without_storing_it(client: TestClient, as_clinician: dict[str, str]) -> None:
    pytest.importorskip("nervemap.nlp")
    response = client.post("/v1/extract", json={"text": "Positive SLR on the left."}, headers=as_clinician)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "slr_positive" in {f["id"] for f in body["case"]["findings"]}
    assert body["items"] and all("text" in item for item in body["items"])
    listing = client.get("/v1/assessments", headers=as_clinician).json()
    assert listing["total"] == 0
