"""Stored assessments are served as stored (issue 16): the JSON must be what validation gives."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from nervemap.api.schemas import AssessmentOut
from nervemap.engine.assessment import Assessment
from tests.api.conftest import example


@pytest.mark.parametrize("name", ["l5-left-disc", "cauda-equina", "fibular-neuropathy"])
def test_served_assessment_equals_its_validated_form(
    client: TestClient, as_clinician: dict[str, str], name: str
) -> None:
    created = client.post("/v1/assessments?detail=full", json=example(name), headers=as_clinician)
    assert created.status_code == 201, created.text
    assert created.headers["content-type"] == "application/json"
    fetched = client.get(f"/v1/assessments/{created.json()['id']}?detail=full", headers=as_clinician)
    assert fetched.status_code == 200
    body: dict[str, Any] = fetched.json()
    assert body == created.json()
    validated = AssessmentOut.model_validate(body).model_dump(mode="json", by_alias=True)
    assert body == validated
    output = Assessment.model_validate(body["output"]).model_dump(mode="json", by_alias=True)
    assert list(body["output"]) == list(output)  # same fields, in the model's order
