"""Web security: CSRF tokens on every form, the clinician's session cookie, the interview cookie.

CSRF: a random value in an HttpOnly cookie and, in each form, an HMAC of it under the server key
(signed double submit): a form posted from another site lacks the matching token. The clinician
session is a signed, expiring token (the API's bearer token format) in an HttpOnly, SameSite=Lax
cookie, Secure when the request came over https.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from nervemap.server.deps import SessionDep
from nervemap.server.tokens import TokenSigner
from nervemap.services import accounts
from nervemap.services.accounts import Role, User

CSRF_COOKIE = "nervemap_csrf"
CSRF_FIELD = "csrf"
SESSION_COOKIE = "nervemap_session"
INTERVIEW_COOKIE = "nervemap_interview"
INTERVIEW_MAX_AGE = 24 * 3600
# A follow-up check-in: "<interview id>.<episode link token>", set when a patient starts an interview
# from an episode's check-in link; the finished interview is attached to that episode.
CHECKIN_COOKIE = "nervemap_checkin"


class PageError(Exception):
    """Answer with an HTML page explaining the problem (never a traceback)."""

    def __init__(self, status: int, title: str, message: str, action: tuple[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message
        self.action = action  # (link text, href)


class LoginRequired(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def _signer(request: Request) -> TokenSigner:
    signer: TokenSigner = request.app.state.signer
    return signer


def _key(request: Request) -> bytes:
    return request.app.state.settings.signing_key()  # type: ignore[no-any-return]


def csrf_token(request: Request) -> str:
    """The form token for this browser; creates the cookie value on first use (set by render())."""
    value = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if value and not value.isascii():  # a tampered cookie: replace it
        value = None
    if not value:
        value = secrets.token_urlsafe(32)
        request.state.new_csrf = value
    return hmac.new(_key(request), b"csrf:" + value.encode(), hashlib.sha256).hexdigest()


def set_csrf_cookie(request: Request, response: Response) -> None:
    value = getattr(request.state, "new_csrf", None)
    if value:
        set_cookie(request, response, CSRF_COOKIE, value, max_age=None)


def renew_csrf_cookie(request: Request, response: Response) -> None:
    """A fresh CSRF value at sign-in: a value planted or seen before it does not carry over."""
    set_cookie(request, response, CSRF_COOKIE, secrets.token_urlsafe(32), max_age=None)


def csrf_valid(request: Request, submitted: str) -> bool:
    value = request.cookies.get(CSRF_COOKIE)
    if not value or not submitted or not value.isascii() or not submitted.isascii():
        return False  # hmac.compare_digest raises TypeError on non-ASCII str
    expected = hmac.new(_key(request), b"csrf:" + value.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), submitted.encode())


async def checked_form(request: Request) -> FormData:
    """The posted form, refused (403 page) when its CSRF token is missing or wrong."""
    form = await request.form()
    submitted = form.get(CSRF_FIELD)
    if not isinstance(submitted, str) or not csrf_valid(request, submitted):
        raise PageError(
            403,
            "This form has expired",
            "For your safety we could not accept this form: it was missing its security code or came "
            "from another site. Please go back, reload the page and try again.",
            ("Go to the start page", "/"),
        )
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(
        name, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )


def set_checkin_cookie(request: Request, response: Response, interview_id: uuid.UUID, link: str) -> None:
    set_cookie(request, response, CHECKIN_COOKIE, f"{interview_id}.{link}", INTERVIEW_MAX_AGE)


def checkin_target(request: Request, interview_id: uuid.UUID) -> str | None:
    """What this browser's interview ``interview_id`` checks in to: an episode link's token, or
    "episode:<id>" for a clinician's check-in interview; None when it is no check-in."""
    started, _, target = request.cookies.get(CHECKIN_COOKIE, "").partition(".")
    return target if target and started == str(interview_id) else None


def checkin_link(request: Request, interview_id: uuid.UUID) -> str | None:
    """The episode link this browser's interview ``interview_id`` was started from, or None."""
    target = checkin_target(request, interview_id)
    return target if target is not None and not target.startswith("episode:") else None


# ------------------------------------------------------------------ the clinician's session


def start_session(request: Request, response: Response, user: User) -> None:
    token, _ = _signer(request).issue(user.id, generation=user.token_generation)
    set_cookie(request, response, SESSION_COOKIE, token, max_age=int(_signer(request).lifetime_s))


def session_user(request: Request, db: SessionDep) -> User | None:
    token = request.cookies.get(SESSION_COOKIE)
    claims = _signer(request).verify(token) if token else None  # None for non-ASCII too
    if claims is None:
        return None
    # None when signed out, deactivated or the password changed (the token's generation is old)
    user = accounts.caller_by_token(db, claims.user_id, claims.generation)
    return user if user is not None and user.role == Role.CLINICIAN.value else None


@dataclass(frozen=True)
class Clinician:
    id: uuid.UUID
    email: str

    @property
    def actor(self) -> str:
        return f"user:{self.id}"


def require_clinician(request: Request, db: SessionDep) -> Clinician:
    # As the API's current_principal (issue 16): the lookup of who is calling is a read transaction
    # of its own (no write lock on SQLite), ended here, so the page's reads can be reads too.
    lookup = not db.in_transaction()
    if lookup:
        accounts.begin_lookup(db)
    try:
        user = session_user(request, db)
    finally:
        if lookup:
            db.commit()
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return Clinician(user.id, user.email)


ClinicianPage = Annotated[Clinician, Depends(require_clinician)]
