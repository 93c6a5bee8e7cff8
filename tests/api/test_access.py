"""Every route in the app: public ones answer anyone; protected ones refuse anonymous callers (401)
and callers of the wrong role or scope (403)."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nervemap.store.api_keys import ApiKeyRepository
from nervemap.store.models import Scope, User
from tests.api.conftest import assert_problem

PUBLIC = {
    ("GET", "/health"),
    ("GET", "/ready"),
    ("POST", "/v1/auth/login"),
    ("GET", "/v1/patient/{token}"),
    ("GET", "/v1/fhir/metadata"),  # the FHIR CapabilityStatement
    ("GET", "/v1/fhir/OperationDefinition/assess"),
    ("GET", "/v1/fhir/StructureDefinition/{definition_id}"),
    ("GET", "/v1/fhir/CodeSystem/{system_id}"),
    # Interviews: anyone may start a patient interview; later calls need its session token (an
    # unknown token is a 404, see tests/api/test_interviews.py), clinician-mode ones credentials too.
    ("POST", "/v1/interviews"),
    ("GET", "/v1/interviews/{token}"),
    ("GET", "/v1/interviews/{token}/question"),
    ("POST", "/v1/interviews/{token}/answers"),
    ("POST", "/v1/interviews/{token}/back"),
    ("GET", "/v1/interviews/{token}/assessment"),
    ("POST", "/v1/interviews/{token}/finish"),
    # A patient's follow-up check-in link: the token is the credential (tests/api/test_episodes.py).
    ("GET", "/v1/episode-links/{token}"),
    ("POST", "/v1/episode-links/{token}/checkins"),
}
# Server-rendered pages (nervemap.web): patient pages are public (the interview cookie is the
# credential); /clinic pages redirect anonymous visitors to the sign-in form (tests/web).
PAGES = {
    ("GET", "/"),
    ("GET", "/start"),
    ("POST", "/start"),
    ("GET", "/interview"),
    ("GET", "/interview/q/{question_id}"),
    ("GET", "/interview/body-map"),
    ("POST", "/interview/body-map"),
    ("POST", "/interview/answer"),
    ("POST", "/interview/back"),
    ("GET", "/interview/finish"),
    ("GET", "/interview/result"),
    ("GET", "/interview/summary"),
    ("GET", "/interview/summary.pdf"),
    ("GET", "/interview/answers"),
    ("POST", "/interview/reopen"),
    ("POST", "/interview/consultation"),
    ("GET", "/clinic/login"),
    ("POST", "/clinic/login"),
    ("POST", "/clinic/logout"),
    ("GET", "/clinic"),
    ("GET", "/clinic/assessments/{assessment_id}"),
    ("POST", "/clinic/assessments/{assessment_id}/review"),
    ("GET", "/clinic/assessments/{assessment_id}/report"),
    ("GET", "/clinic/assessments/{assessment_id}/report.pdf"),
    ("GET", "/clinic/episodes/{episode_id}/report"),  # a follow-up episode's report (tests/web)
    ("GET", "/clinic/episodes/{episode_id}/report.pdf"),
    ("POST", "/clinic/interviews"),
    ("GET", "/clinic/note"),
    ("POST", "/clinic/note"),
    ("POST", "/clinic/invitations"),
    ("POST", "/clinic/invitations/{invitation_id}/revoke"),  # tests/api/test_invitation_links.py
    # Follow-up episodes (tests/web/test_episodes.py): clinician pages need sign-in; a patient's
    # check-in pages are reached with the episode's check-in link, the link being the credential.
    ("POST", "/clinic/assessments/{assessment_id}/episode"),
    ("GET", "/clinic/episodes/{episode_id}"),
    ("POST", "/clinic/episodes/{episode_id}/links"),
    ("POST", "/clinic/episodes/{episode_id}/checkins"),
    ("POST", "/clinic/episodes/{episode_id}/interview"),
    ("POST", "/clinic/episodes/{episode_id}/schedule"),
    ("POST", "/clinic/episodes/{episode_id}/review"),
    ("POST", "/clinic/episodes/{episode_id}/close"),
    ("GET", "/checkin"),
    ("POST", "/checkin/start"),
    ("GET", "/checkin/result"),
}
DOCS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/docs/swagger-init.js"}
STATIC = {"/static", "/static/swagger-ui"}
# GET /health is answered by a plain ASGI route ahead of the documented API route (routers/health.py)
PROBES = {"/health"}
# Who is refused with 403: a clinician, an admin, or an API key without the needed scope.
FORBIDDEN_FOR = {
    ("POST", "/v1/assessments"): "admin",
    ("GET", "/v1/assessments"): "admin",
    ("GET", "/v1/assessments/{assessment_id}"): "admin",
    ("POST", "/v1/assessments/{assessment_id}/review"): "admin",
    ("POST", "/v1/extract"): "admin",
    ("POST", "/v1/patient-links"): "admin",
    ("POST", "/v1/invitations"): "admin",
    ("POST", "/v1/invitations/{invitation_id}/revoke"): "admin",
    ("GET", "/v1/invitations"): "admin",
    ("GET", "/v1/knowledge"): "write-only key",
    ("GET", "/v1/knowledge/findings"): "write-only key",
    ("GET", "/v1/knowledge/conditions"): "write-only key",
    ("GET", "/v1/knowledge/regions"): "write-only key",
    ("GET", "/v1/knowledge/sources"): "write-only key",
    ("GET", "/v1/audit"): "clinician",
    ("POST", "/v1/users"): "clinician",
    ("GET", "/v1/users"): "clinician",
    ("POST", "/v1/users/{user_id}/deactivate"): "clinician",
    ("POST", "/v1/users/{user_id}/reactivate"): "clinician",
    ("POST", "/v1/users/{user_id}/password"): "clinician",
    ("POST", "/v1/users/{user_id}/end-sessions"): "clinician",
    ("POST", "/v1/auth/logout"): "write-only key",  # a bearer token's own user only (test_accounts.py)
    ("POST", "/v1/auth/password"): "write-only key",
    ("GET", "/v1/fhir/Questionnaire/{questionnaire_id}"): "admin",
    ("POST", "/v1/fhir/QuestionnaireResponse/$assess"): "admin",
    ("POST", "/v1/fhir/Bundle/$assess"): "admin",
    ("GET", "/cds-services"): "admin",
    ("POST", "/cds-services/{service_id}"): "admin",
    ("POST", "/cds-services/{service_id}/feedback"): "admin",
    ("POST", "/v1/episodes"): "admin",
    ("GET", "/v1/episodes"): "admin",
    ("GET", "/v1/episodes/{episode_id}"): "admin",
    ("GET", "/v1/episodes/{episode_id}/fhir"): "admin",
    ("GET", "/v1/episodes/{episode_id}/checkins"): "write-only key",
    ("POST", "/v1/episodes/{episode_id}/checkins"): "admin",
    ("POST", "/v1/episodes/{episode_id}/checkins/{checkin_id}/void"): "admin",
    ("PATCH", "/v1/episodes/{episode_id}/schedule"): "admin",
    ("POST", "/v1/episodes/{episode_id}/review"): "admin",
    ("POST", "/v1/episodes/{episode_id}/close"): "admin",
    ("POST", "/v1/episodes/{episode_id}/links"): "admin",
    ("GET", "/v1/outbox"): "clinician",
    ("POST", "/v1/outbox/{message_id}/ack"): "clinician",
    ("POST", "/v1/outbox/{message_id}/link"): "clinician",
}


def _endpoints(app: FastAPI) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for route in iter_route_contexts(app.routes):  # included routers expand to their routes
        if isinstance(route.original_route, APIRoute):
            assert route.path is not None and route.methods
            found.extend((method, route.path) for method in sorted(route.methods))
        else:
            assert route.path in DOCS | STATIC | PROBES, f"unexpected non-API route {route.path}"
    return found


def _url(path: str) -> str:
    path = path.replace("{assessment_id}", str(uuid.uuid4())).replace("{token}", "x" * 43)
    path = path.replace("{episode_id}", str(uuid.uuid4())).replace("{message_id}", str(uuid.uuid4()))
    path = path.replace("{checkin_id}", str(uuid.uuid4())).replace("{user_id}", str(uuid.uuid4()))
    path = path.replace("{invitation_id}", str(uuid.uuid4()))
    return path.replace("{questionnaire_id}", "nervemap-all").replace("{service_id}", "nervemap-patient-view")


def test_every_route_is_classified(app: FastAPI) -> None:
    endpoints = set(_endpoints(app))
    assert endpoints == PUBLIC | PAGES | set(FORBIDDEN_FOR), "classify new routes in this test"


def test_protected_routes_refuse_anonymous_callers(app: FastAPI, client: TestClient) -> None:
    for method, path in _endpoints(app):
        if (method, path) in PUBLIC | PAGES:
            continue
        response = client.request(method, _url(path))
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"


def test_protected_routes_refuse_bad_credentials(app: FastAPI, client: TestClient) -> None:
    for method, path in _endpoints(app):
        if (method, path) in PUBLIC | PAGES:
            continue
        for headers in ({"Authorization": "Bearer not.a-token"}, {"X-API-Key": "nmk_wrong"}):
            assert_problem(client.request(method, _url(path), headers=headers), 401)


@pytest.fixture
def write_only_key(session: Session, clinician: User) -> dict[str, str]:
    issued = ApiKeyRepository(session).issue(clinician, [Scope.WRITE])
    session.commit()
    return {"X-API-Key": issued.key}


def test_protected_routes_refuse_the_wrong_role_or_scope(
    app: FastAPI,
    client: TestClient,
    as_clinician: dict[str, str],
    as_admin: dict[str, str],
    write_only_key: dict[str, str],
) -> None:
    callers = {"clinician": as_clinician, "admin": as_admin, "write-only key": write_only_key}
    for (method, path), refused in FORBIDDEN_FOR.items():
        response = client.request(method, _url(path), headers=callers[refused])
        assert_problem(response, 403)


def test_public_routes_need_no_credentials(client: TestClient) -> None:
    assert client.get("/health").status_code == 200
    assert client.get("/ready").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200


def test_clinic_pages_refuse_anonymous_visitors(client: TestClient) -> None:
    """Every clinician page sends an anonymous visitor to sign in (or refuses the form): none answers."""
    clinic = sorted(
        (method, path) for method, path in PAGES if path.startswith("/clinic") and path != "/clinic/login"
    )
    assert ("GET", "/clinic/episodes/{episode_id}") in clinic
    for method, path in clinic:
        response = client.request(method, _url(path), follow_redirects=False)
        assert response.status_code in {303, 401, 403}, (method, path, response.status_code)
        if response.status_code == 303:
            assert response.headers["location"].startswith("/clinic/login"), (method, path)
