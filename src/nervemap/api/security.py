"""Security headers on every answer, contained errors, and the OpenAPI entries for the guards.

- :class:`SecurityHeaders`: CSP, nosniff, frame denial, referrer and permissions policies,
  ``Cache-Control: no-store`` (patient data), HSTS over HTTPS; a 405 lists every routed method.
- :class:`EdgeGuards`: the outermost middleware: those headers on every answer, an unhandled
  exception turned into a 500 problem and a frames-only log line, and the access log.
- :func:`document_guard_responses`: 503, 429 and 413 in the OpenAPI document, and error answers
  documented as ``application/problem+json`` (what ``problems.install`` sends).

Pages are server-rendered with local scripts and styles only, so the default Content-Security-Policy
allows ``'self'`` and nothing inline. The ``/docs`` page (``nervemap.api.docs``) loads Swagger UI
and its start-up script from this server: its own policy allows inline styles (Swagger UI sets style
attributes) but no inline script and no other host. ``Strict-Transport-Security`` is sent only
on HTTPS requests (a proxy must pass the scheme: uvicorn ``--proxy-headers``).
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nervemap.api.access_log import log_request
from nervemap.api.ratelimit import Limits, Rate, RateLimit, is_rate_limited
from nervemap.api.timeouts import RequestTimeout
from nervemap.server.problems import MEDIA_TYPE, Problem, problem_response
from nervemap.settings import Settings

DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
log = logging.getLogger("nervemap.api")
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect"})
STATIC_PREFIX = "/static/"
PROBED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")

FIXED_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    (
        "Permissions-Policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    ),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)


class SecurityHeaders:
    """The headers every answer gets unless it sets them itself, encoded once per kind of request
    (docs page or not, HTTPS or not, static file or not), not per response."""

    def __init__(self, content_security_policy: str, hsts_max_age_seconds: int) -> None:
        self.policy = content_security_policy
        self.hsts = f"max-age={hsts_max_age_seconds}; includeSubDomains" if hsts_max_age_seconds > 0 else ""
        self._encoded: dict[tuple[bool, bool, bool], tuple[tuple[bytes, bytes], ...]] = {}

    def headers_for(self, scope: Scope) -> list[tuple[str, str]]:
        return self._headers(*self._kind(scope))

    @staticmethod
    def _kind(scope: Scope) -> tuple[bool, bool, bool]:
        path = str(scope.get("path", ""))
        return path in DOCS_PATHS, scope.get("scheme") == "https", path.startswith(STATIC_PREFIX)

    def _headers(self, docs: bool, https: bool, static: bool) -> list[tuple[str, str]]:
        headers = [*FIXED_HEADERS, ("Content-Security-Policy", DOCS_POLICY if docs else self.policy)]
        if self.hsts and https:
            headers.append(("Strict-Transport-Security", self.hsts))
        if not static:
            # Responses carry patient data: no shared or browser cache may keep them.
            headers.append(("Cache-Control", "no-store"))
        return headers

    def raw_for(self, scope: Scope) -> tuple[tuple[bytes, bytes], ...]:
        kind = self._kind(scope)
        encoded = self._encoded.get(kind)
        if encoded is None:
            encoded = tuple(
                (name.lower().encode("latin-1"), value.encode("latin-1"))
                for name, value in self._headers(*kind)
            )
            self._encoded[kind] = encoded
        return encoded

    @staticmethod
    def add(message: Message, scope: Scope, extra: tuple[tuple[bytes, bytes], ...]) -> None:
        """Add ``extra`` to an ``http.response.start`` message, except the headers it has; on a
        405, ``Allow`` lists every routed method."""
        headers = list(message.get("headers", ()))
        present = {bytes(name).lower() for name, _ in headers}
        headers.extend(line for line in extra if line[0] not in present)
        message["headers"] = headers
        if message["status"] == 405:
            allowed = allowed_methods(scope)
            if allowed:
                MutableHeaders(scope=message)["Allow"] = ", ".join(allowed)


class EdgeGuards:
    """Pure ASGI middleware, the outermost layer: security headers on every answer, unhandled
    errors contained, one access-log line per request. One layer, not three: each layer wraps
    every message the app sends.

    Unhandled exceptions stop here: logged as frames only, answered with a 500 problem (with the
    headers). Starlette's ServerErrorMiddleware answers 500 and then re-raises to the server, and
    uvicorn logs the full exception, message included ("Exception in ASGI application"). Messages
    may quote request content (a pydantic error shows the input value: patient text), so the
    exception must not get that far.
    """

    def __init__(self, app: ASGIApp, content_security_policy: str, hsts_max_age_seconds: int) -> None:
        self.app = app
        self.headers = SecurityHeaders(content_security_policy, hsts_max_age_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        extra = self.headers.raw_for(scope)
        status = 0

        async def guarded(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                SecurityHeaders.add(message, scope, extra)
            await send(message)

        try:
            await self.app(scope, receive, guarded)
        except Exception as error:
            frames = "".join(traceback.format_tb(error.__traceback__))
            route = getattr(scope.get("route"), "path", "-")
            log.error("unhandled %s on %s %s\n%s", type(error).__name__, scope.get("method"), route, frames)
            if not status:
                response = problem_response(
                    500, "internal", "Internal error", "the server failed; nothing was stored"
                )
                await response(scope, receive, guarded)
        finally:
            log_request(scope, status or 500, started)


def allowed_methods(scope: Scope) -> list[str]:
    """Every method routed at this path (Starlette's 405 names only the first matching route's):
    asks the app's own routes, one probe per method."""
    routes = getattr(getattr(scope.get("app"), "router", None), "routes", [])
    allowed: list[str] = []
    for method in PROBED_METHODS:
        probe = {**scope, "method": method}
        if any(isinstance(route, BaseRoute) and route.matches(probe)[0] == Match.FULL for route in routes):
            allowed.append(method)
    return allowed


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        "headers": {},
    }


def _problems_as_problem_json(responses: dict[str, Any]) -> None:
    """Error answers are problem+json (problems.install), FastAPI's default 422 model included."""
    for status, response in responses.items():
        content = response.get("content", {})
        reference = content.get("application/json", {}).get("schema", {}).get("$ref", "")
        if status.startswith(("4", "5")) and reference.endswith(("/Problem", "/HTTPValidationError")):
            content.pop("application/json")
            content[MEDIA_TYPE] = {"schema": {"$ref": "#/components/schemas/Problem"}}


def document_guard_responses(app: FastAPI, rate_limited: Callable[[str, str], bool]) -> None:
    """Add the guards' answers to the OpenAPI document: 503 (time limit) everywhere, 429 where
    ``rate_limited(method, path)``, 413 on every operation with a request body."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}"))
        for name, definition in (
            Problem.model_json_schema(ref_template="#/components/schemas/{model}").get("$defs", {}).items()
        ):
            schemas.setdefault(name, definition)
        schemas["Problem"].pop("$defs", None)
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                _problems_as_problem_json(responses)
                responses.setdefault("503", _problem("The request took too long; nothing was stored"))
                if "requestBody" in operation:
                    responses.setdefault("413", _problem("Request body too large"))
                if rate_limited(method.upper(), path):
                    retry = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}
                    responses.setdefault("429", {**_problem("Too many attempts"), "headers": retry})
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def add_inner_guards(app: FastAPI, settings: Settings) -> None:
    """Inside the body-size limit: rate limits (they read login bodies), then the time limit."""
    app.add_middleware(RequestTimeout, seconds=settings.request_timeout_seconds)
    limits = Limits(
        login_ip=Rate(settings.login_ip_burst, settings.login_ip_per_minute),
        login_account=Rate(settings.login_account_burst, settings.login_account_per_minute),
        interview_ip=Rate(settings.interview_ip_burst, settings.interview_ip_per_minute),
        max_keys=settings.rate_limit_max_keys,
        shared_file=settings.rate_limit_file,
    )
    app.add_middleware(RateLimit, limits=limits)
    document_guard_responses(app, is_rate_limited)


def add_outer_guards(app: FastAPI, settings: Settings) -> None:
    """Outside the body-size limit, so that every answer (413 and 429 too) has the headers, and
    the 500 of a contained error too; the access log sees every request."""
    app.add_middleware(
        EdgeGuards,
        content_security_policy=settings.content_security_policy,
        hsts_max_age_seconds=settings.hsts_max_age_seconds,
    )
