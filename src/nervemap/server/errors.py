"""The HTTP status of a domain error (``services.errors``), said once for the API and the web pages."""

from __future__ import annotations

from nervemap.services.errors import (
    Conflict,
    Expired,
    Forbidden,
    Invalid,
    NotFound,
    ServiceError,
    TooMany,
    Unauthenticated,
    Unavailable,
)

STATUS: dict[type[ServiceError], int] = {
    NotFound: 404,
    Expired: 410,
    Invalid: 422,
    Forbidden: 403,
    Conflict: 409,
    Unauthenticated: 401,
    TooMany: 429,
}


def status_of(error: ServiceError) -> int:
    """404 not found, 410 expired, 422 invalid, 403 forbidden, 409 conflict, 501 a part not
    installed, 503 a part unavailable; an error that carries its own ``status`` (the episodes'
    ``EpisodeError``) keeps it."""
    own = getattr(error, "status", None)
    if isinstance(own, int):
        return own
    if isinstance(error, Unavailable):
        return 503 if error.installed else 501
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400


def headers_of(error: ServiceError) -> dict[str, str] | None:
    """Headers an answer to this error carries: ``Retry-After`` for :class:`TooMany`."""
    if isinstance(error, TooMany):
        return {"Retry-After": str(error.retry_after)}
    return None
