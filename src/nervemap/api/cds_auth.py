"""Who may call the CDS Hooks services: a nervemap clinician (bearer token or API key), or a CDS
client authenticated per the CDS Hooks trust model (a signed JWT, see ``nervemap.interop.cds_jwt``).

Calls and discovery need the read scope; feedback, which is stored, needs the write scope (a
configured CDS client may do both). The caller is kept on ``request.state``: ``cds_actor`` for the
audit trail, ``cds_client`` for a CDS client (whose configured FHIR servers may be queried for its
prefetch).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials

from nervemap.interop.cds_hooks import cds_config
from nervemap.interop.cds_jwt import CdsAuthError, ReplayGuard, looks_like_jwt, verify_client_jwt
from nervemap.server.auth import Permit, api_key_scheme, bearer_scheme, current_principal
from nervemap.server.deps import SessionDep, SignerDep
from nervemap.server.problems import FieldError, ProblemError
from nervemap.services.accounts import Role, Scope


def _scope(request: Request) -> Scope:
    return Scope.WRITE if request.url.path.endswith("/feedback") else Scope.READ


def _replays(request: Request) -> ReplayGuard:
    guard = getattr(request.app.state, "cds_replays", None)
    if not isinstance(guard, ReplayGuard):
        guard = request.app.state.cds_replays = ReplayGuard()
    return guard


def audience(request: Request) -> str:
    """The URL a client's JWT must name in ``aud``: this endpoint, as the client sees it."""
    base = cds_config(request).public_base_url
    if base:
        return base.rstrip("/") + request.url.path
    return str(request.url.replace(query=None, fragment=None))


def cds_caller(
    request: Request,
    session: SessionDep,
    signer: SignerDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    api_key: Annotated[str | None, Security(api_key_scheme)],
) -> str:
    """The caller's audit name; 401/403 as for the rest of the API when it may not call."""
    if bearer is not None and looks_like_jwt(bearer.credentials):
        try:
            client = verify_client_jwt(
                bearer.credentials, cds_config(request), audience(request), _replays(request)
            )
        except CdsAuthError as error:
            raise ProblemError(
                401,
                "unauthorized",
                "Unauthorized",
                "a CDS client JWT signed with a key configured for the client is required",
                [FieldError(field="header.Authorization", reason=str(error))],
                headers={"WWW-Authenticate": "Bearer"},
            ) from error
        request.state.cds_client = client
        request.state.cds_actor = f"cds-client:{client.iss}"[:100]
        return str(request.state.cds_actor)
    principal = Permit({Role.CLINICIAN}, _scope(request))(current_principal(session, signer, bearer, api_key))
    request.state.cds_actor = principal.actor
    return principal.actor
