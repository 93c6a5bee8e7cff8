"""Admin only: create, list, deactivate and reactivate users, reset passwords, end sessions; query
the audit trail."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from nervemap.api.schemas import AuditEventOut, AuditPage, DateTimeQuery, PasswordReset, UserCreate, UserOut
from nervemap.server.auth import AdminOnly
from nervemap.server.deps import SessionDep
from nervemap.server.problems import PROBLEM_RESPONSES, Problem
from nervemap.services import accounts
from nervemap.services.accounts import AuditFilter, Role, User
from nervemap.store.types import as_utc

router = APIRouter(prefix="/v1", tags=["admin"], responses=PROBLEM_RESPONSES)


@router.post("/users", status_code=201, responses={409: {"model": Problem, "description": "Email taken"}})
def create_user(body: UserCreate, principal: AdminOnly, session: SessionDep) -> UserOut:
    user = accounts.create_user(
        session, body.email, body.role, body.password.get_secret_value(), actor=principal.actor
    )
    return user_out(user)


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id, email=user.email, role=Role(user.role), created_at=user.created_at, active=user.active
    )


USER_ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "No such user"}}


@router.get("/users")
def list_users(principal: AdminOnly, session: SessionDep) -> list[UserOut]:
    """Every account, active or not (no password hashes)."""
    return [user_out(user) for user in accounts.list_users(session)]


@router.post(
    "/users/{user_id}/deactivate",
    responses={**USER_ERRORS, 409: {"model": Problem, "description": "Your own account"}},
)
def deactivate_user(user_id: uuid.UUID, principal: AdminOnly, session: SessionDep) -> UserOut:
    """The user can no longer sign in; their tokens and session cookies stop working at once and
    their API keys are refused while the account is inactive."""
    user = accounts.get_user(session, user_id)
    return user_out(accounts.set_active(session, user, False, actor=principal.actor, by=principal.user_id))


@router.post("/users/{user_id}/reactivate", responses=USER_ERRORS)
def reactivate_user(user_id: uuid.UUID, principal: AdminOnly, session: SessionDep) -> UserOut:
    """The user may sign in again (tokens issued before the deactivation stay revoked)."""
    user = accounts.get_user(session, user_id)
    return user_out(accounts.set_active(session, user, True, actor=principal.actor))


@router.post("/users/{user_id}/password", status_code=204, responses=USER_ERRORS)
def reset_password(
    user_id: uuid.UUID, body: PasswordReset, principal: AdminOnly, session: SessionDep
) -> None:
    """Set a new password (tell the user by another channel); their sessions end."""
    user = accounts.get_user(session, user_id)
    accounts.reset_password(session, user, body.password.get_secret_value(), actor=principal.actor)


@router.post("/users/{user_id}/end-sessions", status_code=204, responses=USER_ERRORS)
def end_sessions(user_id: uuid.UUID, principal: AdminOnly, session: SessionDep) -> None:
    """Every bearer token and session cookie of the user stops working (API keys are revoked one by
    one with ``nervemap apikey revoke``)."""
    accounts.end_sessions(session, accounts.get_user(session, user_id), actor=principal.actor)


@router.get("/audit")
def query_audit(
    principal: AdminOnly,
    session: SessionDep,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[str | None, Query(max_length=50)] = None,
    object: Annotated[str | None, Query(max_length=100, description="e.g. assessment:<id>")] = None,
    since: Annotated[DateTimeQuery | None, Query(description="At or after (UTC if no zone)")] = None,
    until: Annotated[DateTimeQuery | None, Query(description="Before (UTC if no zone)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AuditPage:
    """Newest first. Reading the trail is itself recorded."""
    where = AuditFilter(actor=actor, action=action, object=object, since=as_utc(since), until=as_utc(until))
    rows, total = accounts.query_audit(session, where, limit, offset, actor=principal.actor)
    items = [AuditEventOut(id=e.id, at=e.at, actor=e.actor, action=e.action, object=e.object) for e in rows]
    return AuditPage(items=items, total=total, limit=limit, offset=offset)
