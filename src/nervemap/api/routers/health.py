"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Response

from nervemap.api.schemas import Health
from nervemap.server.deps import SessionDep
from nervemap.services.health import check_ready

router = APIRouter(tags=["health"])


HEALTHY = Health().model_dump_json().encode()  # the answer never changes: encoded once


@router.get("/health", response_model=Health)
async def health() -> Response:
    """The process is up. Async: no I/O, so no hop to the threadpool and back (two, with FastAPI
    serialising a synchronous endpoint's answer there too); the constant answer is sent as bytes,
    not validated and serialised per request."""
    return Response(HEALTHY, media_type="application/json")


@router.get(
    "/ready", responses={503: {"description": "Database unreachable or its schema not this version's"}}
)
def ready(session: SessionDep) -> Health:
    """The database answers and its schema is the one this version expects (so logins can work)."""
    check_ready(session)
    return Health()
