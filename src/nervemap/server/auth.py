"""Who is calling (bearer token or API key) and whether they may: roles and scopes.

Roles separate duties: clinicians work with assessments; admins manage users and read the audit
trail, and do not read patient records. Both may read the knowledge base. An API key acts for its
owner, limited to its scopes (read: GET, write: POST, admin: admin endpoints).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from nervemap.server.deps import SessionDep, SignerDep
from nervemap.server.problems import FieldError, ProblemError
from nervemap.services import accounts
from nervemap.services.accounts import Role, Scope
from nervemap.services.errors import Forbidden

bearer_scheme = HTTPBearer(auto_error=False, description="Token from POST /v1/auth/login")
api_key_scheme = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="API key (nervemap apikey create)"
)
ALL_SCOPES = frozenset(Scope)


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    role: Role
    scopes: frozenset[Scope]
    actor: str  # for the audit trail: user:<id> or apikey:<id>


def _unauthorized(reason: str, field: str = "header.Authorization") -> ProblemError:
    return ProblemError(
        401,
        "unauthorized",
        "Unauthorized",
        "authentication required: a bearer token or an X-API-Key header",
        [FieldError(field=field, reason=reason)],
        headers={"WWW-Authenticate": "Bearer"},
    )


def current_principal(
    session: SessionDep,
    signer: SignerDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    api_key: Annotated[str | None, Security(api_key_scheme)],
) -> Principal:
    accounts.begin_lookup(session)  # a plain BEGIN on SQLite: no write lock to look up who is calling
    try:
        if bearer is not None:
            claims = signer.verify(bearer.credentials)
            user = accounts.caller_by_token(session, claims.user_id, claims.generation) if claims else None
            if user is None:
                raise _unauthorized("invalid, expired or revoked token")
            return Principal(user.id, Role(user.role), ALL_SCOPES, f"user:{user.id}")
        if api_key is not None:
            found = accounts.caller_by_api_key(session, api_key)
            if found is None:
                raise _unauthorized("invalid or revoked API key", "header.X-API-Key")
            record, owner = found
            scopes = frozenset(Scope(s) for s in record.scopes)
            return Principal(owner.id, Role(owner.role), scopes, f"apikey:{record.id}")
        raise _unauthorized("no credentials given")
    finally:
        # End the read transaction now: the handler's own transactions start afresh.
        session.commit()


class Permit:
    """Dependency: the caller must have one of ``roles`` and the ``scope``."""

    def __init__(self, roles: Iterable[Role], scope: Scope) -> None:
        self.roles = frozenset(roles)
        self.scope = scope

    def __call__(self, principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in self.roles:
            allowed = " or ".join(sorted(self.roles))
            raise Forbidden(
                f"this endpoint is for the {allowed} role",
                [("role", f"'{principal.role}' is not allowed here")],
            )
        if self.scope not in principal.scopes:
            raise Forbidden(
                f"this API key lacks the '{self.scope}' scope",
                [("header.X-API-Key", f"scope '{self.scope}' missing")],
            )
        return principal


class AsyncPermit(Permit):
    """:class:`Permit` as an ``async def`` dependency: it only compares, and a plain ``def``
    dependency costs a thread-pool hop per request (issue 16). Called directly it is a coroutine,
    so code that checks a principal itself uses :class:`Permit`."""

    async def __call__(  # type: ignore[override]
        self, principal: Annotated[Principal, Depends(current_principal)]
    ) -> Principal:
        return super().__call__(principal)


ClinicianRead = Annotated[Principal, Depends(AsyncPermit({Role.CLINICIAN}, Scope.READ))]
ClinicianWrite = Annotated[Principal, Depends(AsyncPermit({Role.CLINICIAN}, Scope.WRITE))]
AnyRoleRead = Annotated[Principal, Depends(AsyncPermit({Role.CLINICIAN, Role.ADMIN}, Scope.READ))]
AdminOnly = Annotated[Principal, Depends(AsyncPermit({Role.ADMIN}, Scope.ADMIN))]
