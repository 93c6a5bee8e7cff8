"""POST /v1/auth/login: email and password for a signed, expiring bearer token; logout and a
password change end every token of the user at once (its token generation goes up)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends

from nervemap.api.schemas import LoginRequest, PasswordChange, TokenResponse
from nervemap.server.auth import Principal, current_principal
from nervemap.server.deps import SessionDep, SignerDep
from nervemap.server.problems import PROBLEM_RESPONSES, Problem
from nervemap.services import accounts
from nervemap.services.accounts import User
from nervemap.services.errors import Forbidden

router = APIRouter(prefix="/v1/auth", tags=["auth"], responses=PROBLEM_RESPONSES)


@router.post("/login")
def login(body: LoginRequest, session: SessionDep, signer: SignerDep) -> TokenResponse:
    user = accounts.sign_in(session, body.email, body.password.get_secret_value())
    token, expires = signer.issue(user.id, generation=user.token_generation)
    return TokenResponse(access_token=token, expires_at=datetime.fromtimestamp(expires, UTC))


def _signed_in_user(principal: Annotated[Principal, Depends(current_principal)], session: SessionDep) -> User:
    """The user behind a bearer token (an API key cannot sign out or change its owner's password)."""
    user = accounts.find_user(session, principal.user_id)
    if not principal.actor.startswith("user:") or user is None:
        raise Forbidden(
            "this needs the user's own bearer token, not an API key (nervemap apikey revoke ends a key)",
            [("header.X-API-Key", "an API key cannot do this")],
        )
    return user


SignedInUser = Annotated[User, Depends(_signed_in_user)]


@router.post("/logout", status_code=204)
def logout(user: SignedInUser, session: SessionDep) -> None:
    """Sign out: this token and every other token and web session of the user stop working now."""
    accounts.sign_out(session, user)


@router.post("/password", responses={429: {"model": Problem, "description": "Too many wrong old passwords"}})
def change_password(
    body: PasswordChange, user: SignedInUser, session: SessionDep, signer: SignerDep
) -> TokenResponse:
    """Change your own password (the old one is needed). Every earlier token and web session stops
    working; the reply is a new token. Wrong old passwords are audited and limited: after
    PASSWORD_TRIES in PASSWORD_WINDOW the answer is 429 until the window has passed (a stolen token
    cannot guess its way to a password of its own)."""
    accounts.change_own_password(
        session, user, body.old_password.get_secret_value(), body.new_password.get_secret_value()
    )
    token, expires = signer.issue(user.id, generation=user.token_generation)
    return TokenResponse(access_token=token, expires_at=datetime.fromtimestamp(expires, UTC))
