"""The interview API: anonymous patient sessions behind a token, clinician sessions behind a login,
bad input refused as problems with the saved state unchanged, finishing stored once."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nervemap.engine.assessment import Assessment
from nervemap.store.assessments import AssessmentRepository
from nervemap.store.interviews import SERVICE_USER_ID, InterviewRepository
from nervemap.store.models import Role, User
from nervemap.store.types import utcnow
from nervemap.store.users import UserRepository
from tests.api.conftest import assert_problem, bearer

L5_MAP = [
    {"region": "buttock", "side": "left", "kind": "pain"},
    {"region": "thigh_posterior", "side": "left", "kind": "pain"},
    {"region": "leg_lateral", "side": "left", "kind": "pain"},
    {"region": "foot_dorsum", "side": "left", "kind": "tingling"},
]
TOKEN_ROUTES = [
    ("GET", ""),
    ("GET", "/question"),
    ("POST", "/answers"),
    ("POST", "/back"),
    ("GET", "/assessment"),
    ("POST", "/finish"),
]


def _start(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/interviews", json={"mode": "patient", **body})
    assert response.status_code == 201, response.text
    started: dict[str, Any] = response.json()
    return started


def _answer(client: TestClient, token: str, question: str, value: Any) -> Any:
    return client.post(f"/v1/interviews/{token}/answers", json={"question": question, "value": value})


def test_a_patient_starts_anonymously_and_sees_why_and_i_dont_know(client: TestClient) -> None:
    started = _start(client)
    assert len(started["token"]) >= 40
    question = started["step"]["question"]
    assert question["id"] == "red_flags_nerves"
    assert question["why"] and question["unknown_option"] == "I don't know"
    again = client.get(f"/v1/interviews/{started['token']}").json()
    assert again["token"] is None and again["step"] == started["step"]


def test_answers_back_and_the_assessment(client: TestClient) -> None:
    token = _start(client)["token"]
    assert _answer(client, token, "body_map", L5_MAP).status_code == 200
    step = _answer(client, token, "age", 41).json()
    assert step["answered"] == 2
    assessment = Assessment.model_validate(client.get(f"/v1/interviews/{token}/assessment").json())
    assert assessment.localization[0].side == "left"
    back = client.post(f"/v1/interviews/{token}/back").json()
    assert back["answered"] == 1


@pytest.mark.parametrize(
    ("question", "value", "field"),
    [
        ("no_such_question", "yes", "body.question"),
        ("age", 500, "body.value"),
        ("age", True, "body.value"),  # strict, as the Case: true is not an age
        ("age", "45", "body.value"),  # a numeric string is not a number
        ("pain_score", False, "body.value"),
        ("duration", {"value": 3, "unit": "furlongs"}, "body.value"),
        ("back_pain", "perhaps", "body.value"),
        ("slr", "left", "body.question"),  # clinician-only
        ("body_map", [{"region": "elbow", "side": "left"}], "body.value"),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(
    client: TestClient, question: str, value: Any, field: str
) -> None:
    token = _start(client)["token"]
    _answer(client, token, "body_map", L5_MAP)
    before = client.get(f"/v1/interviews/{token}").json()
    assert_problem(_answer(client, token, question, value), 422, field)
    assert client.get(f"/v1/interviews/{token}").json() == before


def test_nothing_to_undo_is_a_conflict(client: TestClient) -> None:
    token = _start(client)["token"]
    assert_problem(client.post(f"/v1/interviews/{token}/back"), 409)


@pytest.mark.parametrize(("method", "suffix"), TOKEN_ROUTES)
def test_unknown_tokens_are_refused(client: TestClient, method: str, suffix: str) -> None:
    body = {"question": "age", "value": 40} if suffix == "/answers" else None
    response = client.request(method, f"/v1/interviews/{'x' * 43}{suffix}", json=body)
    assert_problem(response, 404, "path.token")


def test_expired_interviews_are_gone(client: TestClient, session: Session) -> None:
    token = _start(client)["token"]
    record = InterviewRepository(session).by_token(token)
    assert record is not None
    record.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    assert_problem(client.get(f"/v1/interviews/{token}/question"), 410)
    assert_problem(_answer(client, token, "age", 40), 410)


def test_a_red_flag_stops_the_interview_with_advice(client: TestClient) -> None:
    token = _start(client)["token"]
    step = _answer(client, token, "red_flags_nerves", ["bladder_change", "saddle"]).json()
    assert step["finished"] is True and step["stop_reason"] == "red-flag"
    assert step["red_flag"]["level"] == "emergency"
    assert "emergency" in step["red_flag"]["patient_advice"].lower()


def test_finish_stores_once_as_the_service_user(client: TestClient, session: Session) -> None:
    token = _start(client)["token"]
    _answer(client, token, "body_map", L5_MAP)
    first = client.post(f"/v1/interviews/{token}/finish")
    second = client.post(f"/v1/interviews/{token}/finish")
    assert first.status_code == second.status_code == 200
    assert first.json()["assessment_id"] == second.json()["assessment_id"]
    record = AssessmentRepository(session).get(uuid.UUID(first.json()["assessment_id"]))
    assert record is not None and record.created_by == SERVICE_USER_ID
    assert record.input["pain_map"][0]["region"] == "buttock"
    assert_problem(_answer(client, token, "age", 40), 409)


def test_a_finished_interview_reports_no_next_question(client: TestClient) -> None:
    token = _start(client)["token"]
    _answer(client, token, "body_map", L5_MAP)
    before = client.get(f"/v1/interviews/{token}").json()
    assert before["step"]["finished"] is False and before["step"]["question"] is not None
    finished = client.post(f"/v1/interviews/{token}/finish").json()
    state = client.get(f"/v1/interviews/{token}").json()
    assert state["assessment_id"] == finished["assessment_id"]
    for step in (state["step"], client.get(f"/v1/interviews/{token}/question").json()):
        assert step["finished"] is True and step["question"] is None
        assert step["stop_reason"] == "finished" and step["progress"] == 1.0
        assert step["answered"] == before["step"]["answered"]


def test_clinician_interviews_need_the_clinician(
    app: FastAPI, client: TestClient, session: Session, as_clinician: dict[str, str], password_hash: str
) -> None:
    assert_problem(client.post("/v1/interviews", json={"mode": "clinician"}), 401)
    response = client.post("/v1/interviews", json={"mode": "clinician"}, headers=as_clinician)
    assert response.status_code == 201
    token = response.json()["token"]
    assert client.get(f"/v1/interviews/{token}/question", headers=as_clinician).status_code == 200
    assert_problem(client.get(f"/v1/interviews/{token}/question"), 401)
    other: User = UserRepository(session).add("other@example.org", Role.CLINICIAN, password_hash)
    session.commit()
    assert_problem(client.get(f"/v1/interviews/{token}/question", headers=bearer(app, other)), 404)
    assert_problem(_answer(client, token, "slr", "sideways"), 401)
    assert (
        client.post(
            f"/v1/interviews/{token}/answers", json={"question": "slr", "value": "left"}, headers=as_clinician
        ).status_code
        == 200
    )


def test_invitations_start_patient_interviews(client: TestClient, as_clinician: dict[str, str]) -> None:
    response = client.post("/v1/invitations", json={}, headers=as_clinician)
    assert response.status_code == 201
    invitation = response.json()
    assert invitation["path"] == f"/start?link={invitation['token']}"
    _start(client, invitation=invitation["token"])
    response = client.post("/v1/interviews", json={"mode": "patient", "invitation": "y" * 43})
    assert_problem(response, 404, "body.invitation")


def test_a_boolean_age_is_422_naming_the_question_and_field(client: TestClient) -> None:
    token = _start(client)["token"]
    body = assert_problem(_answer(client, token, "age", True), 422, "body.value")
    assert "question 'age'" in body["detail"] and "not a number" in body["detail"]
    assert "got True" in body["errors"][0]["reason"]


def test_a_number_answer_may_name_its_unit(client: TestClient) -> None:
    token = _start(client)["token"]
    assert _answer(client, token, "duration", {"value": 14, "unit": "days"}).status_code == 200
