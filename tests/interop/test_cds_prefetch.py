"""CDS Hooks 2.0 prefetch: null is no data; a key not sent or sent as an OperationOutcome is read from
the fhirServer (a local stub server on the loopback interface here) or answered with 412."""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from nervemap.engine.compiled import default_compiled
from nervemap.interop.cds_config import CdsConfig
from nervemap.interop.cds_hooks import router as cds_router
from tests.interop.conftest import with_empty_store
from tests.interop.helpers import golden

PATIENT_VIEW = "/cds-services/nervemap-leg-pain"
TOKEN = "stub-access-token"
OUTCOME = {
    "resourceType": "OperationOutcome",
    "issue": [{"severity": "error", "code": "timeout", "diagnostics": "search timed out"}],
}


class StubFhir:
    """A FHIR server serving the golden CES prefetch, recording each request and its token."""

    def __init__(self) -> None:
        self.prefetch = golden("cds-patient-view-ces.json")["prefetch"]
        self.requests: list[tuple[str, str | None]] = []
        self.status = 200
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                stub.requests.append((self.path, self.headers.get("Authorization")))
                body = stub.answer(self.path)
                status = stub.status if body is not None else 404
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    status, body = 401, None
                self.send_response(status)
                self.send_header("Content-Type", "application/fhir+json")
                self.end_headers()
                self.wfile.write(json.dumps(body or OUTCOME).encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/fhir"

    def answer(self, path: str) -> dict[str, Any] | None:
        parts = urlsplit(path)
        query = parse_qs(parts.query)
        if parts.path == "/fhir/Patient/pat-ces":
            result: dict[str, Any] = self.prefetch["patient"]
            return result
        if parts.path in ("/fhir/Observation", "/fhir/Condition") and query.get("patient") == ["pat-ces"]:
            key = "observations" if parts.path.endswith("Observation") else "conditions"
            bundle: dict[str, Any] = self.prefetch[key]
            return bundle
        return None


@pytest.fixture
def stub() -> Iterator[StubFhir]:
    server = StubFhir()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def app_with(config: CdsConfig) -> TestClient:
    app = FastAPI()
    app.state.knowledge = default_compiled()
    app.state.cds_config = config
    app.include_router(cds_router)
    return TestClient(with_empty_store(app, Path(tempfile.mkdtemp(prefix="nervemap-cds-"))))


def call(client: TestClient, payload: dict[str, Any]) -> Any:
    return client.post(PATIENT_VIEW, json=payload)


def with_server(payload: dict[str, Any], base: str, token: str | None = TOKEN) -> dict[str, Any]:
    payload["fhirServer"] = base
    if token is not None:
        payload["fhirAuthorization"] = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "patient/Patient.read patient/Observation.read patient/Condition.read",
            "subject": "nervemap",
        }
    return payload


def critical(response: Any) -> bool:
    assert response.status_code == 200, response.text
    return any(card["indicator"] == "critical" for card in response.json()["cards"])


def test_null_prefetch_values_mean_no_data_not_an_error() -> None:
    client = app_with(CdsConfig())
    payload = golden("cds-patient-view-ces.json")
    payload["prefetch"] = {"patient": None, "observations": None, "conditions": None}
    response = call(client, payload)
    assert response.status_code == 200, response.text
    assert response.json() == {"cards": []}


def test_null_patient_with_observations_still_assesses() -> None:
    client = app_with(CdsConfig())
    payload = golden("cds-patient-view-ces.json")
    payload["prefetch"]["patient"] = None
    payload["prefetch"]["conditions"] = None
    assert critical(call(client, payload))


@pytest.mark.parametrize("how", ["no prefetch", "key left out", "operation outcome"])
def test_unknown_prefetch_without_a_fhir_server_is_412_naming_the_key(how: str) -> None:
    client = app_with(CdsConfig())
    payload = golden("cds-patient-view-ces.json")
    del payload["fhirServer"]
    if how == "no prefetch":
        del payload["prefetch"]
    elif how == "key left out":
        del payload["prefetch"]["observations"]
    else:
        payload["prefetch"]["observations"] = OUTCOME
    response = call(client, payload)
    assert response.status_code == 412
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    named = {issue["expression"][0]: issue["diagnostics"] for issue in body["issue"]}
    assert "prefetch.observations" in named
    assert "no fhirServer" in named["prefetch.observations"]
    if how == "operation outcome":
        assert "search timed out" in named["prefetch.observations"]
    if how == "key left out":
        assert set(named) == {"prefetch.observations"}


def test_missing_prefetch_is_read_from_the_fhir_server_with_the_access_token(stub: StubFhir) -> None:
    client = app_with(CdsConfig(fhir_servers=(stub.base,)))
    payload = with_server(golden("cds-patient-view-ces.json"), stub.base)
    del payload["prefetch"]
    assert critical(call(client, payload))
    paths = sorted(path for path, _ in stub.requests)
    assert paths[0].startswith("/fhir/Condition?patient=pat-ces")
    assert paths[1].startswith("/fhir/Observation?patient=pat-ces")
    assert paths[2] == "/fhir/Patient/pat-ces"
    assert {token for _, token in stub.requests} == {f"Bearer {TOKEN}"}


def test_operation_outcome_prefetch_is_read_again_from_the_fhir_server(stub: StubFhir) -> None:
    client = app_with(CdsConfig(fhir_servers=(stub.base + "/",)))
    payload = with_server(golden("cds-patient-view-ces.json"), stub.base)
    payload["prefetch"]["observations"] = OUTCOME
    assert critical(call(client, payload))
    assert [path.split("?")[0] for path, _ in stub.requests] == ["/fhir/Observation"]


def test_complete_prefetch_does_not_query_the_fhir_server(stub: StubFhir) -> None:
    client = app_with(CdsConfig(fhir_servers=(stub.base,)))
    assert critical(call(client, with_server(golden("cds-patient-view-ces.json"), stub.base)))
    assert stub.requests == []


def test_fhir_server_not_configured_is_412_and_never_called(stub: StubFhir) -> None:
    client = app_with(CdsConfig(fhir_servers=("https://ehr.example.org/fhir",)))
    payload = with_server(golden("cds-patient-view-ces.json"), stub.base)
    del payload["prefetch"]
    response = call(client, payload)
    assert response.status_code == 412
    assert "not one nervemap is configured to query" in response.text
    assert stub.requests == []


def test_fhir_server_without_access_token_is_412(stub: StubFhir) -> None:
    client = app_with(CdsConfig(fhir_servers=(stub.base,)))
    payload = with_server(golden("cds-patient-view-ces.json"), stub.base, token=None)
    del payload["prefetch"]
    response = call(client, payload)
    assert response.status_code == 412
    assert "fhirAuthorization.access_token" in response.text
    assert stub.requests == []


def test_fhir_server_refusing_the_token_is_412(stub: StubFhir) -> None:
    client = app_with(CdsConfig(fhir_servers=(stub.base,)))
    payload = with_server(golden("cds-patient-view-ces.json"), stub.base, token="wrong-token")
    del payload["prefetch"]["conditions"]
    response = call(client, payload)
    assert response.status_code == 412
    assert "HTTP 401" in response.text


def test_patient_not_found_on_the_fhir_server_is_no_data(stub: StubFhir) -> None:
    client = app_with(CdsConfig(fhir_servers=(stub.base,)))
    payload = with_server(golden("cds-patient-view-ces.json"), stub.base)
    del payload["prefetch"]["patient"]
    stub.prefetch["patient"] = None  # the read answers 404
    assert critical(call(client, payload))


def test_unreachable_fhir_server_is_412() -> None:
    base = "http://127.0.0.1:9/fhir"  # discard port: nothing listens
    client = app_with(CdsConfig(fhir_servers=(base,), fetch_timeout_seconds=2))
    payload = with_server(golden("cds-patient-view-ces.json"), base)
    del payload["prefetch"]
    response = call(client, payload)
    assert response.status_code == 412
    assert "could not be read" in response.text
