"""Date-times in a query (issue 18): ``since`` and ``until`` on GET /v1/assessments and GET /v1/audit,
and ``at`` on POST /v1/episodes/{id}/checkins, are ISO 8601 date-times, as the OpenAPI document says.
A bare number used to be read as Unix time (``until=0.5`` was 1970-01-01, so the filter silently
matched nothing; ``at=<seconds>`` was stored as the check-in's time); now it is a 422 problem naming
the parameter and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nervemap.api.schemas import NOT_A_NUMBER
from tests.api.conftest import assert_problem
from tests.api.test_episodes import _case, _start

NUMBERS = ["0.5", "0", "1700000000", "-1", "1e9", "20260131", " 12 "]


@pytest.fixture
def headers(request: pytest.FixtureRequest, path: str) -> dict[str, str]:
    """The clinician lists assessments; the audit trail is the admin's."""
    role = "as_admin" if path == "/v1/audit" else "as_clinician"
    value: dict[str, str] = request.getfixturevalue(role)
    return value


@pytest.mark.parametrize("path", ["/v1/assessments", "/v1/audit"])
@pytest.mark.parametrize("name", ["since", "until"])
@pytest.mark.parametrize("number", NUMBERS)
def test_a_number_is_refused_naming_the_parameter(
    client: TestClient, headers: dict[str, str], path: str, name: str, number: str
) -> None:
    body = assert_problem(client.get(path, params={name: number}, headers=headers), 422, f"query.{name}")
    reasons = [e["reason"] for e in body["errors"] if e["field"] == f"query.{name}"]
    assert any(NOT_A_NUMBER in reason for reason in reasons), reasons


@pytest.mark.parametrize("path", ["/v1/assessments", "/v1/audit"])
def test_iso_date_times_are_accepted_with_or_without_a_zone(
    client: TestClient, headers: dict[str, str], path: str
) -> None:
    now = datetime.now(UTC)
    for since, until in (
        ((now - timedelta(days=1)).isoformat(), (now + timedelta(days=1)).isoformat()),
        ("2026-01-31T09:00:00Z", "2026-02-01T00:00:00"),
    ):
        answer = client.get(path, params={"since": since, "until": until}, headers=headers)
        assert answer.status_code == 200, answer.text


def test_the_openapi_document_still_says_date_time(app: FastAPI) -> None:
    document = app.openapi()
    for path in ("/v1/assessments", "/v1/audit"):
        for parameter in document["paths"][path]["get"]["parameters"]:
            if parameter["name"] in ("since", "until"):
                kinds = parameter["schema"].get("anyOf", [parameter["schema"]])
                assert {"type": "string", "format": "date-time"} in kinds, parameter


def test_a_checkin_time_given_as_a_number_is_refused(
    client: TestClient, as_clinician: dict[str, str], session: Session
) -> None:
    episode = _start(client, as_clinician, session, weeks_ago=7)
    two_weeks_ago = datetime.now(UTC) - timedelta(weeks=2)  # a time the check-in would accept
    path = f"/v1/episodes/{episode['id']}/checkins"
    as_number = str(int(two_weeks_ago.timestamp()))
    refused = client.post(path, json=_case(3), params={"at": as_number}, headers=as_clinician)
    body = assert_problem(refused, 422, "query.at")
    assert any(NOT_A_NUMBER in e["reason"] for e in body["errors"]), body
    accepted = client.post(
        path, json=_case(3), params={"at": two_weeks_ago.isoformat()}, headers=as_clinician
    )
    assert accepted.status_code == 201, accepted.text
