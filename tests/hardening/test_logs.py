"""No patient text in the application logs, whatever the request and however it ends.

Requests carry a note with a distinctive name and phrase; they succeed, fail validation, fail
login, hit rate limits, time out and crash. Every log record (message, arguments and any
traceback) is then searched. The subprocess test in test_durability.py does the same for the
real server's output (uvicorn included).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nervemap.engine.case import Case
from nervemap.services import assessments as api_engine
from tests.hardening.conftest import Service, build_service

NAME = "Zebedee Quillfeather"
PHRASE = "marmalade factory in Tobermory"
NOTE = (
    f"{NAME} (DOB 1961-04-02) works at the {PHRASE}. Low back pain radiating to the left lateral calf "
    "for 3 weeks; SLR positive on the left; EHL 4/5 on the left. No saddle anaesthesia."
)
SECRETS = ("Zebedee", "Quillfeather", "quillfeather", "marmalade", "Tobermory", "1961-04-02")


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter()
    parts: list[str] = []
    for record in caplog.records:
        if record.name.startswith(("httpx", "httpcore")):
            continue  # the test's own client
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_info:
            parts.append(formatter.formatException(record.exc_info))
        if record.stack_info:
            parts.append(record.stack_info)
    return "\n".join(parts)


def _assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} was logged"


def test_requests_with_patient_text_leave_no_trace_in_logs(
    client: TestClient, fresh_service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    headers = fresh_service.clinician
    created = client.post("/v1/assessments", json={"text": NOTE}, headers=headers)
    assert created.status_code == 201
    assert client.post("/v1/extract", json={"text": NOTE}, headers=headers).status_code == 200
    invalid = {"id": NAME, "age": PHRASE, "findings": [{"id": PHRASE}]}
    assert client.post("/v1/assessments", json=invalid, headers=headers).status_code == 422
    assert client.post("/v1/assessments", content=NOTE.encode(), headers=headers).status_code in (400, 422)
    link = client.post("/v1/patient-links", json={"assessment_id": created.json()["id"]}, headers=headers)
    assert client.get(link.json()["path"]).status_code == 200
    assert client.get(f"/v1/patient/{NAME}").status_code == 404
    assert client.get(f"/v1/assessments?triage={PHRASE}", headers=headers).status_code == 422
    started = client.post("/v1/interviews", json={})
    assert started.status_code == 201
    token = started.json()["token"]
    client.post(f"/v1/interviews/{token}/answers", json={"question": "age", "value": NOTE})
    client.post(f"/v1/interviews/{token}/answers", json={"question": NAME, "value": PHRASE})
    for _ in range(8):  # past the per-account limit
        client.post("/v1/auth/login", json={"email": "zebedee@quillfeather.example", "password": NOTE})
    logged = _logged(caplog)
    assert "POST /v1/assessments 201" in logged  # the access log is there...
    assert "POST - 429" in logged  # refused before routing: no route template
    _assert_clean(logged)  # ...without patient text


def test_a_crash_is_contained_and_logs_frames_only(
    client: TestClient,
    fresh_service: Service,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An exception quoting patient text never reaches the server (uvicorn would log it whole)."""
    caplog.set_level(logging.DEBUG)

    def crash(case: Case, *_: Any) -> Any:
        Case.model_validate({"age": f"{NOTE}"})  # a pydantic error quotes the input value

    monkeypatch.setattr(f"{api_engine.__name__}.assess", crash)
    # TestClient re-raises any exception that escapes the app: none may.
    answer = client.post("/v1/assessments", json={"text": NOTE}, headers=fresh_service.clinician)
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.headers["x-content-type-options"] == "nosniff"
    _assert_clean(answer.text)
    logged = _logged(caplog)
    assert "unhandled ValidationError on POST /v1/assessments" in logged
    _assert_clean(logged)


def test_a_timed_out_request_leaves_no_trace_in_logs(
    tmp_path: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    built = build_service(tmp_path, request_timeout_seconds=0.2)
    finished = threading.Event()
    real = api_engine.assess  # type: ignore[attr-defined]

    def slow(case: Case, *rest: Any) -> Any:
        time.sleep(0.6)
        finished.set()
        return real(case, *rest)

    monkeypatch.setattr(f"{api_engine.__name__}.assess", slow)
    with TestClient(built.app) as client:
        answer = client.post("/v1/assessments", json={"text": NOTE}, headers=built.clinician)
        assert answer.status_code == 503
        assert finished.wait(10)
        time.sleep(0.3)  # the abandoned handler fails to store
    built.app.state.engine.dispose()
    _assert_clean(_logged(caplog))
