"""The errors every service raises (issue 17): what went wrong, in the domain's words, never in HTTP.

A refused request names its kind (a short machine word, e.g. ``"not-found"``, ``"expired"``,
``"closed"``), a title, a sentence for people (``detail``) and each field at fault with its reason.
The class says which way it was refused; each front end words that once: the API maps the classes to
problem details (``server/problems.py``: :data:`NotFound` 404, :data:`Expired` 410, :data:`Invalid` 422,
:data:`Forbidden` 403, :data:`Conflict` 409, :data:`Unauthenticated` 401, :data:`TooMany` 429,
:data:`Unavailable` 501/503), the web pages to an error
page, the CLI to a message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

FieldReason = tuple[str, str]  # (where, reason): "body.case.age", "must be at least 18"


class ServiceError(Exception):
    """A refused request. ``errors`` holds each (field, reason); ``kind`` and ``title`` have defaults
    per class and may be named more precisely by the raiser."""

    default_kind: ClassVar[str] = "refused"
    default_title: ClassVar[str] = "Refused"

    def __init__(
        self,
        detail: str,
        errors: Sequence[FieldReason] = (),
        *,
        kind: str | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors: list[FieldReason] = list(errors)
        self.kind = kind or self.default_kind
        self.title = title or self.default_title

    @property
    def field(self) -> str | None:
        """The first field at fault, if any."""
        return self.errors[0][0] if self.errors else None


class NotFound(ServiceError):
    """Nothing with this id, token or name (or it was altered)."""

    default_kind = "not-found"
    default_title = "Not found"

    @classmethod
    def of(cls, what: str, field: str, reason: str = "unknown id") -> NotFound:
        """``no <what> with this id`` at ``field``."""
        return cls(f"no {what} with this id", [(field, reason)])


class Expired(ServiceError):
    """It existed but can no longer be used: expired, revoked, used up, closed."""

    default_kind = "expired"
    default_title = "Expired"


class Invalid(ServiceError):
    """A value the domain refuses: ``Invalid(field, reason, detail)``; more fields in ``more``."""

    default_kind = "validation"
    default_title = "Invalid request"

    def __init__(
        self,
        field: str,
        reason: str,
        detail: str | None = None,
        *,
        more: Sequence[FieldReason] = (),
        kind: str | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(detail or reason, [(field, reason), *more], kind=kind, title=title)

    @classmethod
    def fields(
        cls, detail: str, errors: Sequence[FieldReason], *, kind: str | None = None, title: str | None = None
    ) -> Invalid:
        """Several fields at fault (at least one)."""
        first, *rest = errors
        return cls(first[0], first[1], detail, more=rest, kind=kind, title=title)


class Unauthenticated(ServiceError):
    """Who is asking is not known: wrong email or password, no or a bad credential."""

    default_kind = "unauthorized"
    default_title = "Unauthorized"


class TooMany(ServiceError):
    """Too many attempts: refused until ``retry_after`` seconds have passed."""

    default_kind = "rate-limited"
    default_title = "Too many requests"

    def __init__(self, detail: str, errors: Sequence[FieldReason] = (), *, retry_after: int) -> None:
        super().__init__(detail, errors)
        self.retry_after = retry_after


class Forbidden(ServiceError):
    """The caller is known but may not do this."""

    default_kind = "forbidden"
    default_title = "Forbidden"


class Conflict(ServiceError):
    """The request clashes with the current state (closed, already done, a different earlier request)."""

    default_kind = "conflict"
    default_title = "Conflict"


class Unavailable(ServiceError):
    """This server cannot do it: a part is not installed (``installed=False``) or is busy/down."""

    default_kind = "unavailable"
    default_title = "Unavailable"

    def __init__(
        self,
        detail: str,
        errors: Sequence[FieldReason] = (),
        *,
        installed: bool = True,
        kind: str | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(detail, errors, kind=kind, title=title)
        self.installed = installed


__all__ = [
    "Conflict",
    "Expired",
    "FieldReason",
    "Forbidden",
    "Invalid",
    "NotFound",
    "ServiceError",
    "TooMany",
    "Unauthenticated",
    "Unavailable",
]
