"""Schemathesis against the OpenAPI document, in-process: no 5xx, every answer as documented.

Each operation gets at most 20 generated cases (valid and invalid, derandomized so CI sees the same
cases), sent with a clinician's bearer token (an admin's on the admin endpoints) so that protected
routes run their real code. The body limit is the default (1 MiB), above the largest valid body.

Excluded, knowingly (everything else in schemathesis' default set runs, ``not_a_server_error``
on every operation without exception):

- ``positive_data_acceptance`` everywhere: the schema cannot say everything the engine checks. A
  finding id is any string in the schema but must exist in the knowledge base; a case may
  contradict itself ("present" and "absent"); an id in a body must exist. Such schema-valid
  requests are rightly refused with a 4xx problem naming the field.
- ``KNOWN_GAPS`` below: per operation, a check and why. Each is a documentation gap in a router
  this suite does not own, reported to its owner; remove the entry once it is fixed.
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
from schemathesis import checks

from nervemap.app import create_app
from nervemap.store.models import Role
from nervemap.store.passwords import hash_password
from nervemap.store.users import UserRepository
from tests.hardening.conftest import PASSWORD, Service, hardening_settings, seed_users

ADMIN_PATHS = ("/v1/users", "/v1/audit")
# None left: the last two (a number read as a date-time in `since`/`until`, a login the schema said was
# required on the interview routes) were fixed in issue 18. Keep the mechanism for the next one.
KNOWN_GAPS: dict[tuple[str, str], tuple[str, str]] = {}

# Logout and a password change end every token of their user (issue 18): they get a fresh token of
# a user of their own each time, or the shared clinician token would be revoked for the rest.
SESSION_ENDING = {("POST", "/v1/auth/logout"), ("POST", "/v1/auth/password")}
SESSIONS_EMAIL = "sessions@example.org"


def _own_session() -> dict[str, str]:
    with APP.state.sessionmaker() as session:
        users = UserRepository(session)
        user = users.by_email(SESSIONS_EMAIL) or users.add(
            SESSIONS_EMAIL, Role.CLINICIAN, hash_password(PASSWORD)
        )
        session.commit()
        token, _ = APP.state.signer.issue(user.id, generation=user.token_generation)
    return {"Authorization": f"Bearer {token}"}


# Schemathesis reads the schema when the module is collected, so the app is built here; its
# database is migrated and seeded by the fixture below, before the first request.
FOLDER = Path(tempfile.mkdtemp(prefix="nervemap-schemathesis-"))
atexit.register(shutil.rmtree, FOLDER, ignore_errors=True)
APP = create_app(hardening_settings(FOLDER, migrate=False, max_body_bytes=1_048_576))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module")
def seeded() -> Iterator[Service]:
    yield seed_users(APP, hardening_settings(FOLDER, max_body_bytes=1_048_576))
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
    if (case.operation.method.upper(), case.operation.path) in SESSION_ENDING:
        headers = _own_session()
    excluded = [checks.positive_data_acceptance]
    gap = KNOWN_GAPS.get((case.operation.method.upper(), case.operation.path))
    if gap is not None:
        excluded.append(getattr(checks, gap[0]))
    case.call_and_validate(headers=headers, excluded_checks=excluded)
