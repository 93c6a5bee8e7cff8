"""Bad input gets the documented 4xx problem, naming the field, and leaves the database unchanged."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests.api.conftest import MAX_BODY, assert_problem, example
from tests.store.backends import row_counts

JSON = {"content-type": "application/json"}

CASES: list[tuple[str, str, dict[str, Any], int, str]] = [
    # (name, path, request kwargs, status, field)
    ("malformed json", "/v1/assessments", {"content": b'{"age": 40,', "headers": JSON}, 400, "body"),
    ("not json at all", "/v1/assessments", {"content": b"age=40", "headers": JSON}, 400, "body"),
    ("wrong type", "/v1/assessments", {"json": {"age": "forty"}}, 422, "body.age"),
    ("out of range", "/v1/assessments", {"json": {"age": 400}}, 422, "body.age"),
    ("unknown field", "/v1/assessments", {"json": {"agee": 40}}, 422, "body.agee"),
    ("nested wrong type", "/v1/assessments", {"json": {"findings": [{"id": 3}]}}, 422, "body.findings[0].id"),
    (
        "unknown finding",
        "/v1/assessments",
        {"json": {"findings": [{"id": "no_such"}]}},
        422,
        "body.findings[0].id",
    ),
    (
        "unknown measurement unit",
        "/v1/assessments",
        {"json": {"measurements": [{"quantity": "haemoglobin", "value": 8.9, "unit": "mg"}]}},
        422,
        "body.measurements[0].unit",
    ),
    ("array body", "/v1/assessments", {"json": [1, 2]}, 422, "body"),
    ("empty text", "/v1/assessments", {"json": {"text": ""}}, 422, "body.text"),
    ("text with unknown key", "/v1/extract", {"json": {"text": "x", "lang": "fr"}}, 422, "body.lang"),
    (
        "link to unknown assessment",
        "/v1/patient-links",
        {"json": {"assessment_id": str(uuid.uuid4())}},
        404,
        "body.assessment_id",
    ),
    ("link with bad id", "/v1/patient-links", {"json": {"assessment_id": "7"}}, 422, "body.assessment_id"),
    (
        "review unknown",
        f"/v1/assessments/{uuid.uuid4()}/review",
        {"json": {"comment": "x"}},
        404,
        "path.assessment_id",
    ),
    (
        "oversize declared",
        "/v1/assessments",
        {"content": b" " * (MAX_BODY + 1), "headers": JSON},
        413,
        "body",
    ),
]


@pytest.mark.parametrize(
    ("path", "kwargs", "status", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_a_problem_and_changes_nothing(
    client: TestClient,
    as_clinician: dict[str, str],
    connection: Connection,
    path: str,
    kwargs: dict[str, Any],
    status: int,
    field: str,
) -> None:
    before = row_counts(connection)
    kwargs = dict(kwargs)  # parameters are shared between backends: do not consume them
    headers = {**as_clinician, **kwargs.pop("headers", {})}
    response = client.post(path, headers=headers, **kwargs)
    assert_problem(response, status, field)
    assert row_counts(connection) == before


def test_oversize_streamed_body_without_length_is_refused(
    client: TestClient, as_clinician: dict[str, str], connection: Connection
) -> None:
    before = row_counts(connection)

    def chunks() -> Iterator[bytes]:
        for _ in range(4):
            yield b" " * (MAX_BODY // 2)

    response = client.post("/v1/assessments", content=chunks(), headers={**as_clinician, **JSON})
    assert_problem(response, 413, "body")
    assert row_counts(connection) == before


def test_a_case_at_the_size_limit_still_works(client: TestClient, as_clinician: dict[str, str]) -> None:
    case = example("l5-left-disc")
    import json

    body = json.dumps(case).encode()
    padded = body[:-1] + b" " * (MAX_BODY - len(body)) + b"}"
    assert len(padded) == MAX_BODY
    response = client.post("/v1/assessments", content=padded, headers={**as_clinician, **JSON})
    assert response.status_code == 201, response.text
