"""RFC 9457 problem details: one shape for every error, naming each field and the reason."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from nervemap.server.errors import headers_of, status_of
from nervemap.services.errors import ServiceError

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:nervemap:problem:"
TAG_MARK = "~"  # discriminator tags in validation locations start with this and are dropped

log = logging.getLogger("nervemap.api")


class FieldError(BaseModel):
    field: str = Field(description="Where: body.<path>, query.<name>, path.<name> or header.<name>")
    reason: str


class Problem(BaseModel):
    type: str = Field(description="urn:nervemap:problem:<kind>")
    title: str
    status: int
    detail: str
    instance: str | None = Field(default=None, description="The request path")
    errors: list[FieldError] = Field(default_factory=list)


class ProblemError(Exception):
    """Raise to answer with a problem; handled by the app into problem+json."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str,
        errors: Sequence[FieldError] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers


def not_found(what: str, field: str) -> ProblemError:
    return ProblemError(
        404,
        "not-found",
        "Not found",
        f"no {what} with this id",
        [FieldError(field=field, reason="unknown id")],
    )


def problem_response(
    status: int,
    kind: str,
    title: str,
    detail: str,
    errors: Sequence[FieldError] = (),
    instance: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        type=TYPE_PREFIX + kind,
        title=title,
        status=status,
        detail=detail,
        instance=instance,
        errors=list(errors),
    )
    return JSONResponse(
        body.model_dump(mode="json"), status_code=status, media_type=MEDIA_TYPE, headers=headers
    )


def field_path(location: Sequence[int | str]) -> str:
    """("body", "findings", 0, "id") -> "body.findings[0].id"."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        elif str(part).startswith(TAG_MARK):
            continue
        else:
            text += f".{part}" if text else str(part)
    return text or "body"


def _validation_errors(errors: Sequence[Any]) -> list[FieldError]:
    out: list[FieldError] = []
    for error in errors:
        reason = str(error.get("msg", "invalid"))
        out.append(FieldError(field=field_path(error.get("loc", ())), reason=reason))
    return out


async def _on_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    details = list(error.errors())
    malformed = [e for e in details if e.get("type") == "json_invalid"]
    if malformed:
        ctx = malformed[0].get("ctx") or {}
        position = malformed[0].get("loc", ("body", 0))[-1]
        reason = f"not valid JSON: {ctx.get('error', 'decode error')} at character {position}"
        return problem_response(
            400,
            "malformed-json",
            "Malformed JSON",
            "the request body is not valid JSON",
            [FieldError(field="body", reason=reason)],
            request.url.path,
        )
    return problem_response(
        422,
        "validation",
        "Invalid request",
        f"{len(details)} invalid field(s)",
        _validation_errors(details),
        request.url.path,
    )


async def _on_problem(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ProblemError)
    return problem_response(
        error.status, error.kind, error.title, error.detail, error.errors, request.url.path, error.headers
    )


async def _on_service_error(request: Request, error: Exception) -> JSONResponse:
    """A domain error of the services (``services.errors``) as a problem: the one place they are mapped."""
    assert isinstance(error, ServiceError)
    return problem_response(
        status_of(error),
        error.kind,
        error.title,
        error.detail,
        [FieldError(field=field, reason=reason) for field, reason in error.errors],
        request.url.path,
        headers_of(error),
    )


async def _on_http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    titles = {404: "Not found", 405: "Method not allowed", 401: "Unauthorized", 403: "Forbidden"}
    kind = {404: "not-found", 405: "method-not-allowed"}.get(error.status_code, f"http-{error.status_code}")
    errors = [FieldError(field="path", reason="no such endpoint")] if error.status_code == 404 else []
    return problem_response(
        error.status_code,
        kind,
        titles.get(error.status_code, "Error"),
        str(error.detail),
        errors,
        request.url.path,
        dict(error.headers) if error.headers else None,
    )


async def _on_unexpected(request: Request, error: Exception) -> JSONResponse:
    # Frames only: exception messages may quote request content, which may identify a patient.
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error("unhandled %s on %s %s\n%s", type(error).__name__, request.method, _route(request), frames)
    return problem_response(500, "internal", "Internal error", "the server failed; nothing was stored")


def _route(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", "-"))


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(ServiceError, _on_service_error)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {MEDIA_TYPE: {}}, "description": description}
    for status, description in {
        400: "Malformed JSON",
        401: "Missing or invalid credentials",
        403: "Authenticated but not allowed",
        413: "Request body too large",
        422: "Invalid fields, each named",
    }.items()
}
