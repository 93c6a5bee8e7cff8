"""The HTTP API's routes (``install``); ``nervemap.app.create_app`` builds the whole service."""

from __future__ import annotations

from fastapi import FastAPI

from nervemap.api.routers import (
    admin,
    assessments,
    episodes,
    extract,
    health,
    interviews,
    knowledge,
    login,
    patient_links,
)

DESCRIPTION = """Explainable decision support for leg pain that may come from the lumbar spine.

Authenticate with a bearer token from `POST /v1/auth/login` or an `X-API-Key` header.
Every error is an RFC 9457 `application/problem+json` document whose `errors` name each field and
the reason. Decision support, not a diagnosis."""


def install(app: FastAPI) -> None:
    """Mount the API's routers (``/v1/...``) on ``app``."""
    for router in (
        health.router,
        login.router,
        assessments.router,
        extract.router,
        patient_links.router,
        knowledge.router,
        admin.router,
        interviews.router,
        interviews.invitations,
    ):
        app.include_router(router)
    # GET /health first, as a plain ASGI route (routers/health.py, issue 16): a liveness probe is
    # asked often, and FastAPI's per-route machinery cost more than the answer
    app.router.routes.insert(0, health.PROBE)
    episodes.install(app)  # follow-up episodes, patient check-in links, the reminder outbox
