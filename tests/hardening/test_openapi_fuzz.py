"""Schemathesis against the OpenAPI document, in-process: no 5xx, every answer as documented.

Each operation gets at most 20 generated cases (valid and invalid), sent with a clinician's
bearer token (an admin's on the admin endpoints) so that protected routes run their real code.

Excluded check, knowingly:

- ``positive_data_acceptance``: the schema cannot say everything the engine checks. A finding id
  is any string in the schema but must exist in the knowledge base; a case may contradict itself
  ("present" and "absent"); an assessment or interview id in a body must exist. Those schema-valid
  requests are rightly refused with a 4xx problem naming the field, which this check calls a
  failure. Every other default check runs, ``not_a_server_error``,
  ``status_code_conformance``, ``content_type_conformance``, ``response_schema_conformance``,
  ``response_headers_conformance`` and ``negative_data_rejection`` among them.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from nervemap.api.app import create_app
from tests.hardening.conftest import Service, hardening_settings, seed_users

ADMIN_PATHS = ("/v1/users", "/v1/audit")

# Schemathesis reads the schema when the module is collected, so the app is built here; its
# database is migrated and seeded by the fixture below, before the first request.
FOLDER = Path(tempfile.mkdtemp(prefix="nervemap-schemathesis-"))
atexit.register(shutil.rmtree, FOLDER, ignore_errors=True)
APP = create_app(hardening_settings(FOLDER, migrate=False))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module")
def seeded() -> Iterator[Service]:
    yield seed_users(APP, hardening_settings(FOLDER))
    APP.state.engine.dispose()


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,  # the first call of an operation loads the engine or the text reader
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same cases on every CI run
)
def test_api_answers_as_documented(case: Any, seeded: Service) -> None:
    headers = seeded.admin if case.operation.path.startswith(ADMIN_PATHS) else seeded.clinician
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
