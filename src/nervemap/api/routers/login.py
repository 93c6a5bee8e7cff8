"""POST /v1/auth/login: email and password for a signed, expiring bearer token."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter

from nervemap.api.deps import SessionDep, SignerDep
from nervemap.api.problems import PROBLEM_RESPONSES, FieldError, ProblemError
from nervemap.api.schemas import LoginRequest, TokenResponse
from nervemap.store.audit import AuditLog
from nervemap.store.passwords import verify_password
from nervemap.store.users import UserRepository

router = APIRouter(prefix="/v1/auth", tags=["auth"], responses=PROBLEM_RESPONSES)


@router.post("/login")
def login(body: LoginRequest, session: SessionDep, signer: SignerDep) -> TokenResponse:
    user = UserRepository(session).by_email(body.email)
    genuine = verify_password(user.password_hash if user else None, body.password.get_secret_value())
    if user is None or not user.active or not genuine:
        raise ProblemError(
            401,
            "unauthorized",
            "Unauthorized",
            "wrong email or password",
            [FieldError(field="body.password", reason="wrong email or password")],
        )
    token, expires = signer.issue(user.id)
    AuditLog(session).record(f"user:{user.id}", "auth.login", f"user:{user.id}")
    session.commit()
    return TokenResponse(access_token=token, expires_at=datetime.fromtimestamp(expires, UTC))
