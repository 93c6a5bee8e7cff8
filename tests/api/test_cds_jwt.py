"""CDS Hooks trust model: a client JWT checked against the client's configured JWKS (no network)."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nervemap.settings import Settings
from nervemap.store.cds_feedback import CdsFeedbackRepository
from tests.api.conftest import MAX_BODY, assert_problem
from tests.interop.helpers import golden
from tests.interop.test_cds_prefetch import TOKEN, StubFhir, stub, with_server
from tests.store.backends import Backend

__all__ = ["stub"]

ISSUER = "https://ehr.example.org"
OTHER = "https://other-ehr.example.org"
BASE = "http://testserver"
PATIENT_VIEW = "/cds-services/nervemap-leg-pain"
EC_KEY = ec.generate_private_key(ec.SECP384R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
STRANGER_KEY = ec.generate_private_key(ec.SECP384R1())


def _jwk(private: Any, kid: str, alg: str) -> dict[str, Any]:
    algorithm = jwt.algorithms.ECAlgorithm if alg == "ES384" else jwt.algorithms.RSAAlgorithm
    public: dict[str, Any] = algorithm.to_jwk(private.public_key(), as_dict=True)
    return {**public, "kid": kid, "alg": alg, "use": "sig"}


@pytest.fixture
def settings(tmp_path: Path, backend: Backend, stub: StubFhir) -> Settings:
    clients = {
        "clients": [
            {
                "iss": ISSUER,
                "jwks": {"keys": [_jwk(EC_KEY, "ec-1", "ES384"), _jwk(RSA_KEY, "rsa-1", "RS384")]},
                "fhir_servers": [stub.base],
            },
            {"iss": OTHER, "jwks": {"keys": [_jwk(STRANGER_KEY, "other-1", "ES384")]}},
        ]
    }
    path = tmp_path / "cds-clients.json"
    path.write_text(json.dumps(clients), encoding="utf-8")
    return Settings(
        data_dir=tmp_path,
        database_url=backend.url,
        secret_key="test-secret-key",
        migrate_on_startup=False,
        max_body_bytes=MAX_BODY,
        cds_clients_file=path,
    )


def token(
    path: str = PATIENT_VIEW,
    key: Any = EC_KEY,
    kid: str = "ec-1",
    alg: str = "ES384",
    **claims: Any,
) -> dict[str, str]:
    now = int(time.time())
    body = {
        "iss": ISSUER,
        "sub": "ehr-client-1",
        "aud": BASE + path,
        "exp": now + 240,
        "iat": now,
        "jti": str(uuid.uuid4()),
    }
    body.update(claims)
    body = {name: value for name, value in body.items() if value is not None}
    return {"Authorization": "Bearer " + jwt.encode(body, key, algorithm=alg, headers={"kid": kid})}


def test_discovery_and_service_accept_a_client_jwt(client: TestClient) -> None:
    assert client.get("/cds-services", headers=token("/cds-services")).status_code == 200
    response = client.post(PATIENT_VIEW, json=golden("cds-patient-view-ces.json"), headers=token())
    assert response.status_code == 200, response.text
    assert response.json()["cards"][0]["indicator"] == "critical"
    rsa_signed = token(key=RSA_KEY, kid="rsa-1", alg="RS384")
    assert (
        client.post(PATIENT_VIEW, json=golden("cds-patient-view-ces.json"), headers=rsa_signed).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        (lambda: token(key=STRANGER_KEY), "InvalidSignatureError"),
        (lambda: token(iss=OTHER), "no key 'ec-1'"),  # another client's key set
        (lambda: token(iss=OTHER, kid="other-1"), "InvalidSignatureError"),  # signed with ISSUER's key
        (lambda: token(iss="https://unknown.example.org"), "not a configured CDS client"),
        (lambda: token(kid="nope"), "no key 'nope'"),
        (lambda: token(key=RSA_KEY, kid="ec-1", alg="RS384"), "is for ES384"),
        (lambda: token(aud=BASE + "/cds-services/nervemap-lumbar-imaging-select"), "aud"),
        (lambda: token(exp=int(time.time()) - 120), "expired"),
        (lambda: token(exp=int(time.time()) + 3600), "five minutes"),
        (lambda: token(jti=None), "no jti claim"),
        (lambda: token(sub=None), "no sub claim"),
        (lambda: token(iat=int(time.time()) + 600), "ImmatureSignatureError"),
        (
            lambda: {"Authorization": "Bearer " + jwt.encode({"iss": ISSUER}, "k" * 32, algorithm="HS256")},
            "alg must be one of",
        ),
        (
            lambda: {"Authorization": "Bearer " + jwt.encode({"iss": ISSUER}, None, algorithm="none")},
            "alg must be one of",
        ),
        (lambda: {"Authorization": "Bearer a.b.c"}, "not a well-formed JWT"),
    ],
)
def test_a_client_jwt_is_refused_with_the_reason(client: TestClient, headers: Any, reason: str) -> None:
    response = client.post(PATIENT_VIEW, json=golden("cds-patient-view-ces.json"), headers=headers())
    body = assert_problem(response, 401, "header.Authorization")
    assert reason in body["errors"][0]["reason"], body


def test_a_replayed_jwt_is_refused(client: TestClient) -> None:
    headers = token()
    payload = golden("cds-patient-view-ces.json")
    assert client.post(PATIENT_VIEW, json=payload, headers=headers).status_code == 200
    body = assert_problem(client.post(PATIENT_VIEW, json=payload, headers=headers), 401)
    assert "replay" in body["errors"][0]["reason"]


def test_the_client_s_fhir_server_is_read_with_its_access_token(client: TestClient, stub: StubFhir) -> None:
    payload = with_server(golden("cds-patient-view-ces.json"), stub.base)
    del payload["prefetch"]
    response = client.post(PATIENT_VIEW, json=payload, headers=token())
    assert response.status_code == 200, response.text
    assert response.json()["cards"][0]["indicator"] == "critical"
    assert {auth for _, auth in stub.requests} == {f"Bearer {TOKEN}"}
    # the other client has no FHIR server configured: 412, the stub not called again
    calls = len(stub.requests)
    other = token(key=STRANGER_KEY, kid="other-1", iss=OTHER)
    assert client.post(PATIENT_VIEW, json=payload, headers=other).status_code == 412
    assert len(stub.requests) == calls


def test_feedback_from_a_client_jwt_is_stored_under_the_client(client: TestClient, session: Session) -> None:
    path = PATIENT_VIEW + "/feedback"
    item = {"card": "card-jwt-1", "outcome": "overridden", "outcomeTimestamp": "2026-12-04T10:00:00Z"}
    response = client.post(path, json={"feedback": [item]}, headers=token(path))
    assert response.status_code == 200, response.text
    [row] = CdsFeedbackRepository(session).for_card("card-jwt-1")
    assert row.actor == f"cds-client:{ISSUER}"
