"""Access log without patient data: method, route template, status and time; never paths or bodies.

Raw paths carry patient-link tokens and record ids, and query strings carry filters, so only the
matched route template (``/v1/assessments/{assessment_id}``) is logged.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("nervemap.access")


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = getattr(scope.get("route"), "path", "-")
            elapsed = (time.perf_counter() - started) * 1000
            log.info("%s %s %d %.1fms", scope.get("method"), route, status, elapsed)
