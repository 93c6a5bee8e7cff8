"""POST /v1/auth/login: email and password for a signed, expiring bearer token; logout and a
password change end every token of the user at once (its token generation goes up)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends

from nervemap.api.auth import Principal, current_principal
from nervemap.api.deps import SessionDep, SignerDep
from nervemap.api.problems import PROBLEM_RESPONSES, FieldError, Problem, ProblemError
from nervemap.api.schemas import LoginRequest, PasswordChange, TokenResponse
from nervemap.store.audit import AuditFilter, AuditLog
from nervemap.store.models import User
from nervemap.store.passwords import hash_password, verify_password
from nervemap.store.types import utcnow
from nervemap.store.users import UserRepository

PASSWORD_TRIES = 5  # wrong old passwords per user ...
PASSWORD_WINDOW = timedelta(minutes=15)  # ... in this window, then 429
PASSWORD_REFUSED = "user.password-change-refused"

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
    token, expires = signer.issue(user.id, generation=user.token_generation)
    AuditLog(session).record(f"user:{user.id}", "auth.login", f"user:{user.id}")
    session.commit()
    return TokenResponse(access_token=token, expires_at=datetime.fromtimestamp(expires, UTC))


def _signed_in_user(principal: Annotated[Principal, Depends(current_principal)], session: SessionDep) -> User:
    """The user behind a bearer token (an API key cannot sign out or change its owner's password)."""
    user = UserRepository(session).get(principal.user_id)
    if not principal.actor.startswith("user:") or user is None:
        raise ProblemError(
            403,
            "forbidden",
            "Forbidden",
            "this needs the user's own bearer token, not an API key (nervemap apikey revoke ends a key)",
            [FieldError(field="header.X-API-Key", reason="an API key cannot do this")],
        )
    return user


SignedInUser = Annotated[User, Depends(_signed_in_user)]


@router.post("/logout", status_code=204)
def logout(user: SignedInUser, session: SessionDep) -> None:
    """Sign out: this token and every other token and web session of the user stop working now."""
    UserRepository(session).end_sessions(user)
    AuditLog(session).record(f"user:{user.id}", "auth.logout", f"user:{user.id}")
    session.commit()


@router.post("/password", responses={429: {"model": Problem, "description": "Too many wrong old passwords"}})
def change_password(
    body: PasswordChange, user: SignedInUser, session: SessionDep, signer: SignerDep
) -> TokenResponse:
    """Change your own password (the old one is needed). Every earlier token and web session stops
    working; the reply is a new token. Wrong old passwords are audited and limited: after
    PASSWORD_TRIES in PASSWORD_WINDOW the answer is 429 until the window has passed (a stolen token
    cannot guess its way to a password of its own)."""
    audit = AuditLog(session)
    since = utcnow() - PASSWORD_WINDOW
    _, refused = audit.query(AuditFilter(actor=f"user:{user.id}", action=PASSWORD_REFUSED, since=since), 1, 0)
    session.commit()  # the count was a read of its own
    if refused >= PASSWORD_TRIES:
        seconds = int(PASSWORD_WINDOW.total_seconds())
        raise ProblemError(
            429,
            "rate-limited",
            "Too many requests",
            f"too many wrong old passwords; retry after {seconds} s",
            [
                FieldError(
                    field="body.old_password", reason=f"too many wrong passwords; retry after {seconds} s"
                )
            ],
            headers={"Retry-After": str(seconds)},
        )
    if not verify_password(user.password_hash, body.old_password.get_secret_value()):
        audit.record(f"user:{user.id}", PASSWORD_REFUSED, f"user:{user.id}")
        session.commit()
        raise ProblemError(
            403,
            "forbidden",
            "Forbidden",
            "the old password is wrong",
            [FieldError(field="body.old_password", reason="wrong password")],
        )
    UserRepository(session).set_password(user, hash_password(body.new_password.get_secret_value()))
    token, expires = signer.issue(user.id, generation=user.token_generation)
    AuditLog(session).record(f"user:{user.id}", "user.password-change", f"user:{user.id}")
    session.commit()
    return TokenResponse(access_token=token, expires_at=datetime.fromtimestamp(expires, UTC))
