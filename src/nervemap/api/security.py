"""Security headers on every answer, contained errors, and the OpenAPI entries for the guards.

- :class:`SecurityHeaders`: CSP, nosniff, frame denial, referrer and permissions policies,
  ``Cache-Control: no-store`` (patient data), HSTS over HTTPS; a 405 lists every routed method.
- :class:`ContainErrors`: an unhandled exception becomes a 500 problem and a frames-only log line.
- :func:`document_guard_responses`: 503, 429 and 413 in the OpenAPI document, and error answers
  documented as ``application/problem+json`` (what ``problems.install`` sends).

Pages are server-rendered with local scripts and styles only, so the default Content-Security-Policy
allows ``'self'`` and nothing inline. FastAPI's ``/docs`` page loads Swagger UI from a CDN with an
inline start-up script: it gets its own, wider policy. ``Strict-Transport-Security`` is sent only
on HTTPS requests (a proxy must pass the scheme: uvicorn ``--proxy-headers``).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nervemap.api.problems import MEDIA_TYPE, Problem, problem_response
from nervemap.api.ratelimit import Limits, Rate, RateLimit, is_rate_limited
from nervemap.api.timeouts import RequestTimeout
from nervemap.settings import Settings

DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; object-src 'none'; "
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
    """Pure ASGI middleware: adds the headers a response does not set itself."""

    def __init__(self, app: ASGIApp, content_security_policy: str, hsts_max_age_seconds: int) -> None:
        self.app = app
        self.policy = content_security_policy
        self.hsts = f"max-age={hsts_max_age_seconds}; includeSubDomains" if hsts_max_age_seconds > 0 else ""

    def headers_for(self, scope: Scope) -> list[tuple[str, str]]:
        path = str(scope.get("path", ""))
        policy = DOCS_POLICY if path in DOCS_PATHS else self.policy
        headers = [*FIXED_HEADERS, ("Content-Security-Policy", policy)]
        if self.hsts and scope.get("scheme") == "https":
            headers.append(("Strict-Transport-Security", self.hsts))
        if not path.startswith(STATIC_PREFIX):
            # Responses carry patient data: no shared or browser cache may keep them.
            headers.append(("Cache-Control", "no-store"))
        return headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.headers_for(scope)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra:
                    if name not in headers:
                        headers.append(name, value)
                if message["status"] == 405:
                    allowed = allowed_methods(scope)
                    if allowed:
                        headers["Allow"] = ", ".join(allowed)
            await send(message)

        await self.app(scope, receive, with_headers)


class ContainErrors:
    """Unhandled exceptions stop here: logged as frames only, answered with a 500 problem.

    Starlette's ServerErrorMiddleware answers 500 and then re-raises to the server, and uvicorn
    logs the full exception, message included ("Exception in ASGI application"). Messages may
    quote request content (a pydantic error shows the input value: patient text), so the
    exception must not get that far.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as error:
            frames = "".join(traceback.format_tb(error.__traceback__))
            route = getattr(scope.get("route"), "path", "-")
            log.error("unhandled %s on %s %s\n%s", type(error).__name__, scope.get("method"), route, frames)
            if not started:
                response = problem_response(
                    500, "internal", "Internal error", "the server failed; nothing was stored"
                )
                await response(scope, receive, send)


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
    )
    app.add_middleware(RateLimit, limits=limits)
    document_guard_responses(app, is_rate_limited)


def add_outer_guards(app: FastAPI, settings: Settings) -> None:
    """Outside the body-size limit, so that every answer (413 and 429 too) has the headers; the
    error containment just inside them, so that its 500 has them too."""
    app.add_middleware(ContainErrors)
    app.add_middleware(
        SecurityHeaders,
        content_security_policy=settings.content_security_policy,
        hsts_max_age_seconds=settings.hsts_max_age_seconds,
    )
