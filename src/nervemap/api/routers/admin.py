"""Admin only: create, list, deactivate and reactivate users, reset passwords, end sessions; query
the audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from nervemap.api.auth import AdminOnly
from nervemap.api.deps import SessionDep
from nervemap.api.problems import PROBLEM_RESPONSES, FieldError, Problem, ProblemError
from nervemap.api.schemas import AuditEventOut, AuditPage, PasswordReset, UserCreate, UserOut
from nervemap.store.audit import AuditFilter, AuditLog
from nervemap.store.db import begin_read
from nervemap.store.models import Role, User
from nervemap.store.passwords import hash_password
from nervemap.store.types import as_utc
from nervemap.store.users import UserRepository

router = APIRouter(prefix="/v1", tags=["admin"], responses=PROBLEM_RESPONSES)


@router.post("/users", status_code=201, responses={409: {"model": Problem, "description": "Email taken"}})
def create_user(body: UserCreate, principal: AdminOnly, session: SessionDep) -> UserOut:
    users = UserRepository(session)
    if users.exists(body.email):
        raise ProblemError(
            409,
            "conflict",
            "Conflict",
            "a user with this email exists",
            [FieldError(field="body.email", reason="already registered")],
        )
    user = users.add(body.email, body.role, hash_password(body.password.get_secret_value()))
    AuditLog(session).record(principal.actor, "user.create", f"user:{user.id}")
    session.commit()
    return user_out(user)


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id, email=user.email, role=Role(user.role), created_at=user.created_at, active=user.active
    )


USER_ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "No such user"}}


def _user(session: SessionDep, user_id: uuid.UUID) -> User:
    user = UserRepository(session).get(user_id)
    if user is None:
        raise ProblemError(
            404,
            "not-found",
            "Not found",
            "no user with this id",
            [FieldError(field="path.user_id", reason="unknown")],
        )
    return user


@router.get("/users")
def list_users(principal: AdminOnly, session: SessionDep) -> list[UserOut]:
    """Every account, active or not (no password hashes)."""
    begin_read(session)
    found = [user_out(user) for user in UserRepository(session).all()]
    session.commit()
    return found


@router.post(
    "/users/{user_id}/deactivate",
    responses={**USER_ERRORS, 409: {"model": Problem, "description": "Your own account"}},
)
def deactivate_user(user_id: uuid.UUID, principal: AdminOnly, session: SessionDep) -> UserOut:
    """The user can no longer sign in; their tokens and session cookies stop working at once and
    their API keys are refused while the account is inactive."""
    user = _user(session, user_id)
    if user.id == principal.user_id:
        raise ProblemError(
            409,
            "conflict",
            "Conflict",
            "an admin cannot deactivate their own account",
            [FieldError(field="path.user_id", reason="your own account")],
        )
    if UserRepository(session).set_active(user, False):
        AuditLog(session).record(principal.actor, "user.deactivate", f"user:{user.id}")
    session.commit()
    return user_out(user)


@router.post("/users/{user_id}/reactivate", responses=USER_ERRORS)
def reactivate_user(user_id: uuid.UUID, principal: AdminOnly, session: SessionDep) -> UserOut:
    """The user may sign in again (tokens issued before the deactivation stay revoked)."""
    user = _user(session, user_id)
    if UserRepository(session).set_active(user, True):
        AuditLog(session).record(principal.actor, "user.reactivate", f"user:{user.id}")
    session.commit()
    return user_out(user)


@router.post("/users/{user_id}/password", status_code=204, responses=USER_ERRORS)
def reset_password(
    user_id: uuid.UUID, body: PasswordReset, principal: AdminOnly, session: SessionDep
) -> None:
    """Set a new password (tell the user by another channel); their sessions end."""
    user = _user(session, user_id)
    UserRepository(session).set_password(user, hash_password(body.password.get_secret_value()))
    AuditLog(session).record(principal.actor, "user.password-reset", f"user:{user.id}")
    session.commit()


@router.post("/users/{user_id}/end-sessions", status_code=204, responses=USER_ERRORS)
def end_sessions(user_id: uuid.UUID, principal: AdminOnly, session: SessionDep) -> None:
    """Every bearer token and session cookie of the user stops working (API keys are revoked one by
    one with ``nervemap apikey revoke``)."""
    user = _user(session, user_id)
    UserRepository(session).end_sessions(user)
    AuditLog(session).record(principal.actor, "user.end-sessions", f"user:{user.id}")
    session.commit()


@router.get("/audit")
def query_audit(
    principal: AdminOnly,
    session: SessionDep,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[str | None, Query(max_length=50)] = None,
    object: Annotated[str | None, Query(max_length=100, description="e.g. assessment:<id>")] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AuditPage:
    """Newest first. Reading the trail is itself recorded."""
    log = AuditLog(session)
    where = AuditFilter(actor=actor, action=action, object=object, since=as_utc(since), until=as_utc(until))
    begin_read(session)
    rows, total = log.query(where, limit, offset)
    session.commit()
    log.record(principal.actor, "audit.read")
    session.commit()
    items = [AuditEventOut(id=e.id, at=e.at, actor=e.actor, action=e.action, object=e.object) for e in rows]
    return AuditPage(items=items, total=total, limit=limit, offset=offset)
