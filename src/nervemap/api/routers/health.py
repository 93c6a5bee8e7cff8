"""Liveness and readiness."""

from __future__ import annotations

from functools import cache

from alembic.runtime.migration import MigrationContext
from fastapi import APIRouter, Response
from sqlalchemy.exc import SQLAlchemyError

from nervemap.api.schemas import Health
from nervemap.server.deps import SessionDep
from nervemap.server.problems import ProblemError
from nervemap.store.db import begin_read
from nervemap.store.migrate import head_revision

router = APIRouter(tags=["health"])


HEALTHY = Health().model_dump_json().encode()  # the answer never changes: encoded once


@router.get("/health", response_model=Health)
async def health() -> Response:
    """The process is up. Async: no I/O, so no hop to the threadpool and back (two, with FastAPI
    serialising a synchronous endpoint's answer there too); the constant answer is sent as bytes,
    not validated and serialised per request."""
    return Response(HEALTHY, media_type="application/json")


@cache
def expected_revision() -> str | None:
    """The schema revision this version works with (the packaged migrations' head), read once."""
    return head_revision()


@router.get(
    "/ready", responses={503: {"description": "Database unreachable or its schema not this version's"}}
)
def ready(session: SessionDep) -> Health:
    """The database answers and its schema is the one this version expects (so logins can work)."""
    try:
        begin_read(session)  # no write lock for a probe
        revision = MigrationContext.configure(session.connection()).get_current_revision()
    except SQLAlchemyError as error:
        raise ProblemError(503, "not-ready", "Not ready", "the database is unreachable") from error
    if revision != expected_revision():
        raise ProblemError(
            503,
            "not-ready",
            "Not ready",
            "the database schema is not at this version's (an empty or older database): run"
            " `nervemap db upgrade`, or start with NERVEMAP_MIGRATE_ON_STARTUP=true",
        )
    return Health()
