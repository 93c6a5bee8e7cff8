"""Who may call the CDS Hooks services: a nervemap clinician (bearer token or API key), or a CDS
client authenticated per the CDS Hooks trust model (see ``nervemap.interop.cds_jwt``).

Calls and discovery need the read scope; feedback, which is stored, needs the write scope. The
caller is kept on ``request.state``: ``cds_actor`` for the audit trail, ``cds_client`` for a CDS
client (whose configured FHIR servers may be queried for its prefetch).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials

from nervemap.api.auth import Permit, api_key_scheme, bearer_scheme, current_principal
from nervemap.api.deps import SessionDep, SignerDep
from nervemap.store.models import Role, Scope


def _scope(request: Request) -> Scope:
    return Scope.WRITE if request.url.path.endswith("/feedback") else Scope.READ


def cds_caller(
    request: Request,
    session: SessionDep,
    signer: SignerDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    api_key: Annotated[str | None, Security(api_key_scheme)],
) -> str:
    """The caller's audit name; 401/403 as for the rest of the API when it may not call."""
    principal = Permit({Role.CLINICIAN}, _scope(request))(current_principal(session, signer, bearer, api_key))
    request.state.cds_actor = principal.actor
    return principal.actor
