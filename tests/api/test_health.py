from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nervemap.app import create_app
from nervemap.settings import Settings
from nervemap.store.migrate import upgrade_database


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json() == {"status": "ok"}


def test_openapi_lists_every_v1_endpoint_and_both_auth_schemes(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/v1/assessments", "/v1/patient/{token}", "/v1/audit", "/v1/knowledge/sources"} <= set(
        schema["paths"]
    )
    # everything under /v1, apart from health probes and the CDS Hooks paths the standard fixes
    allowed = ("/health", "/ready")
    assert all(p.startswith(("/v1/", "/cds-services")) or p in allowed for p in schema["paths"])
    assert {"HTTPBearer", "APIKeyHeader"} <= set(schema["components"]["securitySchemes"])
    assert "Problem" in schema["components"]["schemas"]


def test_unknown_path_and_method_are_problems(client: TestClient) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert client.delete("/health").status_code == 405


def test_untimed_routes_are_async_endpoints_without_dependencies(client: TestClient) -> None:
    """The time limit skips UNTIMED routes (no task): only sound while their endpoint is
    ``async def``, has no dependencies, and so hands nothing to the threadpool."""
    import inspect

    from nervemap.api.routers import health
    from nervemap.api.timeouts import UNTIMED

    assert {path for _, path in UNTIMED} == {"/health"}
    assert inspect.iscoroutinefunction(health.health)
    assert not inspect.signature(health.health).parameters
    assert client.head("/health").status_code in {200, 405}


@pytest.mark.parametrize("revision", [None, "base"])
def test_ready_is_503_while_the_schema_is_missing_or_old(tmp_path: Path, revision: str | None) -> None:
    """Migrations off on an empty database: /ready must not say 200 while login cannot work."""
    url = f"sqlite:///{(tmp_path / 'empty.db').as_posix()}"
    if revision is not None:
        upgrade_database(url, revision)
    settings = Settings(data_dir=tmp_path, database_url=url, migrate_on_startup=False)
    with TestClient(create_app(settings)) as client:
        response = client.get("/ready")
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "nervemap db upgrade" in response.json()["detail"]
        login = client.post("/v1/auth/login", json={"email": "a@example.org", "password": "x" * 12})
        assert login.status_code >= 400
        upgrade_database(url)
        assert client.get("/ready").json() == {"status": "ok"}


def test_the_health_probe_passes_every_guard(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    """GET /health is answered by a plain ASGI route ahead of FastAPI's (issue 16: the cheap path),
    with the same answer and still through the security headers and the access log."""
    import logging

    from nervemap.api.routers import health

    assert client.app.router.routes[0] is health.PROBE  # type: ignore[attr-defined]
    with caplog.at_level(logging.INFO, logger="nervemap.access"):
        response = client.get("/health")
    assert response.status_code == 200
    assert response.content == health.HEALTHY
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert any(record.getMessage().startswith("GET /health 200 ") for record in caplog.records)
    head = client.head("/health")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(health.HEALTHY))
    refused = client.post("/health")
    assert refused.status_code == 405
    assert refused.headers["content-type"].startswith("application/problem+json")
