"""Admin only: create users, query the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from nervemap.api.auth import AdminOnly
from nervemap.api.deps import SessionDep
from nervemap.api.problems import PROBLEM_RESPONSES, FieldError, Problem, ProblemError
from nervemap.api.schemas import AuditEventOut, AuditPage, UserCreate, UserOut
from nervemap.store.audit import AuditFilter, AuditLog
from nervemap.store.db import begin_read
from nervemap.store.models import Role
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
    return UserOut(id=user.id, email=user.email, role=Role(user.role), created_at=user.created_at)


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
