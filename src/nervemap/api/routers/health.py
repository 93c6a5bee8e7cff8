"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from nervemap.api.schemas import Health
from nervemap.server.deps import SessionDep
from nervemap.services.health import check_ready

router = APIRouter(tags=["health"])


HEALTHY = Health().model_dump_json().encode()  # the answer never changes: encoded once


@router.get("/health", response_model=Health)
async def health() -> Response:
    """The process is up. Async: no I/O, so no hop to the threadpool and back (two, with FastAPI
    serialising a synchronous endpoint's answer there too); the constant answer is sent as bytes,
    not validated and serialised per request.

    This route documents ``/health`` in the OpenAPI document; :data:`PROBE` answers the requests."""
    return Response(HEALTHY, media_type="application/json")


class _Probe:
    """``GET /health`` as a plain ASGI app: two messages encoded once, sent as they are.

    A FastAPI route costs about 30 us of CPU a request more than this (issue 16: route matching
    through FastAPI's router, dependency solving for an endpoint that has none, a Request and a
    Response object): more than the whole bare Starlette app the benchmark compares ``/health``
    with. The answer passes every middleware layer as any other (security headers, access log)."""

    HEADERS = ((b"content-type", b"application/json"), (b"content-length", str(len(HEALTHY)).encode()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["route"] = PROBE  # the access log names the route template, as FastAPI's routes do
        # a fresh start message each time: the layers outside add their headers to it
        await send({"type": "http.response.start", "status": 200, "headers": list(self.HEADERS)})
        body = b"" if scope.get("method") == "HEAD" else HEALTHY
        await send({"type": "http.response.body", "body": body})


# Served ahead of every other route (api.app.install puts it first): matched on the first try.
PROBE = Route("/health", _Probe(), methods=["GET"], include_in_schema=False)


@router.get(
    "/ready", responses={503: {"description": "Database unreachable or its schema not this version's"}}
)
def ready(session: SessionDep) -> Health:
    """The database answers and its schema is the one this version expects (so logins can work)."""
    check_ready(session)
    return Health()
