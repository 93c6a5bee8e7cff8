"""The framework's ceiling for benchmarks/service_load.py: a bare Starlette app with one route.

    .venv/bin/python -m uvicorn --app-dir benchmarks bare_starlette:app --no-access-log

``GET /health`` answers ``{"status":"ok"}`` like nervemap's, with no middleware, no
dependencies and no response model: what uvicorn and Starlette cost on this machine before any
work is done.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def health(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


app = Starlette(routes=[Route("/health", health)])
