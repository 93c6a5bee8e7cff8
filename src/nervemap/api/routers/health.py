"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from nervemap.api.deps import SessionDep
from nervemap.api.problems import ProblemError
from nervemap.api.schemas import Health
from nervemap.store.db import begin_read

router = APIRouter(tags=["health"])


HEALTHY = Health().model_dump_json().encode()  # the answer never changes: encoded once


@router.get("/health", response_model=Health)
async def health() -> Response:
    """The process is up. Async: no I/O, so no hop to the threadpool and back (two, with FastAPI
    serialising a synchronous endpoint's answer there too); the constant answer is sent as bytes,
    not validated and serialised per request."""
    return Response(HEALTHY, media_type="application/json")


@router.get("/ready", responses={503: {"description": "Database unreachable"}})
def ready(session: SessionDep) -> Health:
    """The database answers."""
    try:
        begin_read(session)  # no write lock for a probe
        session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        raise ProblemError(503, "not-ready", "Not ready", "the database is unreachable") from error
    return Health()
