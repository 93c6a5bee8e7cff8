"""Schemathesis over the whole API without credentials (issue 18 acceptance: authenticated and anonymous,
0 x 5xx). test_openapi_fuzz.py sends every generated case with a clinician's (or an admin's) bearer
token and checks every answer against the schema; here every operation gets generated cases with no
credentials at all, and - when schemathesis generates credentials for the operation's security schemes -
once more with those made-up credentials. Two things are asserted on every answer:

- no 5xx;
- an operation that declares a security requirement never answers 2xx: without a valid token or key the
  caller gets 401/403 (or 4xx for a malformed request), except where a patient may go without logging
  in (``ANONYMOUS_BY_DESIGN``).

At most 10 derandomized cases per operation, so that CI sees the same cases and the run stays short.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings

from tests.hardening.conftest import build_service

CREDENTIALS = ("authorization", "x-api-key", "cookie")
# A patient goes through an interview without logging in: those operations declare the login optional
# (the empty requirement ``{}`` among their security requirements), and only those.
ANONYMOUS_BY_DESIGN = {
    ("POST", "/v1/interviews"),
    ("GET", "/v1/interviews/{token}"),
    ("GET", "/v1/interviews/{token}/question"),
    ("POST", "/v1/interviews/{token}/answers"),
    ("POST", "/v1/interviews/{token}/back"),
    ("GET", "/v1/interviews/{token}/assessment"),
    ("POST", "/v1/interviews/{token}/finish"),
}

FOLDER = Path(tempfile.mkdtemp(prefix="nervemap-schemathesis-anonymous-"))
atexit.register(shutil.rmtree, FOLDER, ignore_errors=True)
SERVICE = build_service(FOLDER, max_body_bytes=1_048_576)  # migrated, with users that nobody logs in as
schema = schemathesis.openapi.from_asgi("/openapi.json", SERVICE.app)


def _protected(case: Any) -> bool:
    """The operation requires credentials: it names security schemes and no empty requirement."""
    security = case.operation.definition.raw.get("security") or []
    return bool(security) and {} not in security


def test_only_the_interview_declares_its_login_optional() -> None:
    document = SERVICE.app.openapi()
    optional = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if {} in operation.get("security", [])
    }
    assert optional == ANONYMOUS_BY_DESIGN


def _check(case: Any, response: Any, what: str) -> None:
    where = f"{case.operation.method.upper()} {case.operation.path} ({what})"
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:500]}"
    if _protected(case):
        assert not 200 <= response.status_code < 300, (
            f"{where}: {response.status_code} without valid credentials"
        )


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,  # the first call of an operation loads the engine or the text reader
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_without_credentials_never_fails_and_never_grants(case: Any) -> None:
    headers = dict(case.headers or {})
    invented = {name: value for name, value in headers.items() if name.lower() in CREDENTIALS}
    case.headers = {name: value for name, value in headers.items() if name.lower() not in CREDENTIALS}
    _check(case, case.call(), "no credentials")
    if invented:  # schemathesis made up a token or key for the security scheme: refused as well
        case.headers = headers
        _check(case, case.call(), "made-up credentials")
