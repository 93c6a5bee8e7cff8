"""Accounts (issue 17): signing in and out, passwords, users, API keys, patient invitations, the
audit trail - shared by the API (``api/routers/login.py``, ``admin.py``), the clinician's web pages
(``web/clinic.py``) and the command line (``nervemap user / apikey``).

Every change is audited and committed here; a refusal raises a domain error
(``services.errors``) naming the field; each front end words it.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from nervemap.services.errors import (
    Conflict,
    Expired,
    Forbidden,
    Invalid,
    NotFound,
    TooMany,
    Unauthenticated,
)
from nervemap.store.api_keys import ApiKeyRepository, IssuedKey
from nervemap.store.audit import AuditFilter, AuditLog
from nervemap.store.db import begin_read
from nervemap.store.interviews import SERVICE_USER_ID, InvitationRepository
from nervemap.store.models import ApiKey, AuditEvent, PatientLink, Role, Scope, User
from nervemap.store.passwords import hash_password, verify_password
from nervemap.store.types import utcnow
from nervemap.store.users import UserRepository

__all__ = [
    "SERVICE_USER_ID",
    "AuditFilter",
    "InvitationGone",
    "PatientLink",
    "Role",
    "Scope",
    "User",
]

PASSWORD_TRIES = 5  # wrong old passwords per user ...
PASSWORD_WINDOW = timedelta(minutes=15)  # ... in this window, then refused (TooMany)
PASSWORD_REFUSED = "user.password-change-refused"
WRONG_LOGIN = "wrong email or password"


def _actor(user: User) -> str:
    return f"user:{user.id}"


# ------------------------------------------------------------------ signing in and out


def sign_in(db: Session, email: str, password: str, *, role: Role | None = None) -> User:
    """The active user with this email and password (and ``role``, when named); audited.
    Anything wrong is one :class:`Unauthenticated` (the same words whatever was wrong)."""
    user = UserRepository(db).by_email(email) if email else None
    genuine = verify_password(user.password_hash if user else None, password)
    if user is None or not user.active or not genuine or (role is not None and user.role != role.value):
        raise Unauthenticated(WRONG_LOGIN, [("body.password", WRONG_LOGIN)])
    AuditLog(db).record(_actor(user), "auth.login", f"user:{user.id}")
    db.commit()
    return user


def sign_out(db: Session, user: User) -> None:
    """Every token and web session of the user stops working now (its generation goes up); audited."""
    UserRepository(db).end_sessions(user)
    AuditLog(db).record(_actor(user), "auth.logout", f"user:{user.id}")
    db.commit()


def change_own_password(
    db: Session, user: User, old: str, new: str, field: str = "body.old_password"
) -> None:
    """Change one's own password (the old one is needed); every earlier token and session ends.
    Wrong old passwords are audited and limited: after ``PASSWORD_TRIES`` in ``PASSWORD_WINDOW`` the
    change is refused (:class:`TooMany`) until the window has passed."""
    audit = AuditLog(db)
    since = utcnow() - PASSWORD_WINDOW
    _, refused = audit.query(AuditFilter(actor=_actor(user), action=PASSWORD_REFUSED, since=since), 1, 0)
    db.commit()  # the count was a read of its own
    if refused >= PASSWORD_TRIES:
        seconds = int(PASSWORD_WINDOW.total_seconds())
        raise TooMany(
            f"too many wrong old passwords; retry after {seconds} s",
            [(field, f"too many wrong passwords; retry after {seconds} s")],
            retry_after=seconds,
        )
    if not verify_password(user.password_hash, old):
        audit.record(_actor(user), PASSWORD_REFUSED, f"user:{user.id}")
        db.commit()
        raise Forbidden("the old password is wrong", [(field, "wrong password")])
    set_own_password(db, user, new, actor=_actor(user))


def set_own_password(db: Session, user: User, new: str, *, actor: str) -> None:
    """Set the user's own new password (the old one was checked); every earlier session ends."""
    UserRepository(db).set_password(user, hash_password(new))
    AuditLog(db).record(actor, "user.password-change", f"user:{user.id}")
    db.commit()


# ------------------------------------------------------------------ users


def find_user(db: Session, user_id: uuid.UUID) -> User | None:
    return UserRepository(db).get(user_id)


def user_by_email(db: Session, email: str) -> User | None:
    return UserRepository(db).by_email(email)


def get_user(db: Session, user_id: uuid.UUID, field: str = "path.user_id") -> User:
    user = UserRepository(db).get(user_id)
    if user is None:
        raise NotFound.of("user", field, "unknown")
    return user


def create_user(
    db: Session, email: str, role: Role, password: str, *, actor: str, field: str = "body.email"
) -> User:
    users = UserRepository(db)
    if users.exists(email):
        raise Conflict("a user with this email exists", [(field, "already registered")])
    user = users.add(email, role, hash_password(password))
    AuditLog(db).record(actor, "user.create", f"user:{user.id}")
    db.commit()
    return user


def list_users(db: Session) -> list[User]:
    """Every account, active or not."""
    begin_read(db)
    found = UserRepository(db).all()
    db.commit()
    return found


def set_active(
    db: Session,
    user: User,
    active: bool,
    *,
    actor: str,
    by: uuid.UUID | None = None,
    field: str = "path.user_id",
) -> User:
    """(De)activate; an admin ``by`` cannot deactivate their own account (:class:`Conflict`)."""
    if not active and by is not None and user.id == by:
        raise Conflict("an admin cannot deactivate their own account", [(field, "your own account")])
    if UserRepository(db).set_active(user, active):
        AuditLog(db).record(actor, "user.reactivate" if active else "user.deactivate", f"user:{user.id}")
    db.commit()
    return user


def reset_password(db: Session, user: User, password: str, *, actor: str) -> None:
    """An administrator's reset: a new password; the user's sessions end."""
    UserRepository(db).set_password(user, hash_password(password))
    AuditLog(db).record(actor, "user.password-reset", f"user:{user.id}")
    db.commit()


def end_sessions(db: Session, user: User, *, actor: str) -> None:
    """Every bearer token and session cookie of the user stops working (API keys: revoke_api_key)."""
    UserRepository(db).end_sessions(user)
    AuditLog(db).record(actor, "user.end-sessions", f"user:{user.id}")
    db.commit()


def check_password(user: User, password: str) -> bool:
    return verify_password(user.password_hash, password)


# ------------------------------------------------------------------ API keys


def issue_api_key(
    db: Session, owner: User, scopes: Iterable[Scope], name: str, *, actor: str, field: str = "scope"
) -> IssuedKey:
    """A new key for ``owner`` (shown once, only its hash is kept); admin and outbox scopes only
    for an admin's key."""
    chosen = list(scopes)
    if Scope.ADMIN in chosen and owner.role != Role.ADMIN.value:
        raise Invalid(
            field, "only for keys owned by an admin", f"{field} admin: only for keys owned by an admin"
        )
    if Scope.OUTBOX in chosen and owner.role != Role.ADMIN.value:
        raise Invalid(
            field,
            "only for keys owned by an admin (the integrator's account)",
            f"{field} outbox: only for keys owned by an admin (the integrator's account)",
        )
    issued = ApiKeyRepository(db).issue(owner, chosen, name)
    AuditLog(db).record(actor, "apikey.create", f"apikey:{issued.record.id}")
    db.commit()
    return issued


def list_api_keys(db: Session, owner_id: uuid.UUID | None = None) -> list[tuple[ApiKey, User | None]]:
    """Every API key (of one owner, when named) with its owner."""
    users = UserRepository(db)
    return [(key, users.get(key.owner_id)) for key in ApiKeyRepository(db).all(owner_id)]


def revoke_api_key(db: Session, key_id: uuid.UUID, *, actor: str, field: str = "key_id") -> None:
    if not ApiKeyRepository(db).revoke(key_id):
        raise NotFound("no active key with this id", [(field, "no active key with this id")])
    AuditLog(db).record(actor, "apikey.revoke", f"apikey:{key_id}")
    db.commit()


# ------------------------------------------------------------------ invitations


def issue_invitation(
    db: Session, *, created_by: uuid.UUID, actor: str, hours: float, max_uses: int | None
) -> tuple[PatientLink, str]:
    """An invitation link that starts patient interviews (``max_uses`` None: any number); audited."""
    link, token = InvitationRepository(db).issue(
        created_by=created_by, expires_at=utcnow() + timedelta(hours=hours), max_uses=max_uses
    )
    AuditLog(db).record(actor, "invitation.create", f"patient-link:{link.id}")
    db.commit()
    return link, token


def revoke_invitation(
    db: Session, invitation_id: uuid.UUID, *, actor: str, field: str = "path.invitation_id"
) -> PatientLink:
    """Withdraw an invitation: it starts no more interviews (already started ones go on); audited once."""
    links = InvitationRepository(db)
    link = links.get(invitation_id)
    if link is None:
        raise NotFound.of("invitation", field, "unknown invitation")
    if links.revoke(link):
        AuditLog(db).record(actor, "invitation.revoke", f"patient-link:{link.id}")
    db.commit()
    return link


INVITATION_GONE = {
    "expired": "this invitation has expired",
    "used": "this invitation has been used already (it starts one interview); ask for a new one",
    "revoked": "this invitation was withdrawn by the clinic",
}


class InvitationGone(Expired):
    """The invitation exists but starts no more interviews; ``reason``: expired, used or revoked."""

    def __init__(self, reason: str, field: str) -> None:
        super().__init__(INVITATION_GONE[reason], [(field, reason)], title="Interview expired")
        self.reason = reason


def find_invitation(db: Session, token: str, field: str = "body.invitation") -> PatientLink:
    """The usable invitation with this token: :class:`NotFound` if none (or altered),
    :class:`InvitationGone` if it expired, was used up or was withdrawn."""
    link = InvitationRepository(db).by_token(token)
    if link is None:
        raise NotFound("this invitation is not valid", [(field, "unknown invitation")])
    reason = InvitationRepository.unusable(link)
    if reason is not None:
        raise InvitationGone(reason, field)
    return link


def use_invitation(db: Session, token: str, field: str = "body.invitation") -> PatientLink:
    """Count one interview started from the invitation (:func:`find_invitation`'s refusals; used up
    by a start at the same moment: :class:`InvitationGone`). The caller commits it together with the
    interview it starts (``services.interviews.new_interview``)."""
    link = find_invitation(db, token, field)
    if not InvitationRepository(db).use(link):
        raise InvitationGone(InvitationRepository.unusable(link) or "used", field)
    return link


def invitation_of(db: Session, link_id: uuid.UUID | None) -> PatientLink | None:
    """The invitation an interview was started from (usable or not), or None."""
    return InvitationRepository(db).get(link_id) if link_id is not None else None


def list_invitations(db: Session, created_by: uuid.UUID) -> list[tuple[PatientLink, bool]]:
    """A clinician's invitations, newest first (at most 200), each with whether it would start an
    interview now. Tokens are kept only as hashes, so none is returned."""
    begin_read(db)
    found = [
        (link, InvitationRepository.unusable(link) is None)
        for link in InvitationRepository(db).created_by(created_by)
    ]
    db.commit()
    return found


# ------------------------------------------------------------------ the audit trail


def query_audit(
    db: Session, where: AuditFilter, limit: int, offset: int, *, actor: str
) -> tuple[list[AuditEvent], int]:
    """Newest first; reading the trail is itself recorded."""
    log = AuditLog(db)
    begin_read(db)
    rows, total = log.query(where, limit, offset)
    db.commit()
    log.record(actor, "audit.read")
    db.commit()
    return rows, total


# ------------------------------------------------------------------ who is calling

CALLER_TTL_S = 1.0  # how long a verified token's user is taken from memory (see CallerCache)
LOOKUP = "nervemap_lookup_pending"  # session info: begin_lookup asked for a read transaction


class CallerCache:
    """Who a verified token names, remembered for ``ttl_s`` (issue 16): the user's row was read on
    every request (a read transaction, a query and the ORM's identity map: about 0.3 ms of a
    POST's 3-4 ms of CPU).

    Only an active user whose token generation matched is remembered, per database and
    (user, generation). Any change of a user row made through this process's sessions (logout,
    deactivation, password or role change: every one raises the generation or the flag) empties
    the cache when flushed and again when committed, so this process refuses an ended token at
    once; another server process (``serve --workers``) refuses it at most ``ttl_s`` later.
    """

    def __init__(self, ttl_s: float = CALLER_TTL_S, max_entries: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: dict[tuple[int, uuid.UUID, int], tuple[float, str, str]] = {}
        self._lock = threading.Lock()

    def get(self, database: int, user_id: uuid.UUID, generation: int) -> User | None:
        found = self._entries.get((database, user_id, generation))
        if found is None or found[0] < time.monotonic():
            return None
        # A new object each time: none is shared between sessions or threads.
        return User(id=user_id, email=found[1], role=found[2], active=True, token_generation=generation)

    def put(self, database: int, user: User) -> None:
        if self.ttl_s <= 0:  # caching turned off (NERVEMAP_CALLER_CACHE_SECONDS=0)
            return
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            key = (database, user.id, user.token_generation)
            self._entries[key] = (time.monotonic() + self.ttl_s, user.email, user.role)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


CALLERS = CallerCache()
USERS_CHANGED = "nervemap_users_changed"  # session info: a user row was changed in this transaction


@event.listens_for(Session, "after_flush")
def _users_flushed(session: Session, _context: Any) -> None:
    if any(isinstance(changed, User) for changed in (*session.dirty, *session.deleted)):
        CALLERS.clear()
        session.info[USERS_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _users_committed(session: Session) -> None:
    # A lookup between the flush and the commit read the old row and may have remembered it.
    if session.info.pop(USERS_CHANGED, False):
        CALLERS.clear()


def _database(db: Session) -> int:
    return id(db.get_bind())


def _begin_pending_lookup(db: Session) -> None:
    if db.info.pop(LOOKUP, False) and not db.in_transaction():
        begin_read(db)


def caller_by_token(db: Session, user_id: uuid.UUID, generation: int) -> User | None:
    """The active user a verified token names, if the token's generation is still the user's.

    Remembered (:data:`CALLERS`) for ``CALLER_TTL_S`` seconds: then the user is put into ``db``
    without a query, with the fields a lookup needs (id, email, role, active, generation; the others
    load when read), so a caller may change it as it would a loaded one (``end_sessions`` raises the
    stored generation itself, whatever this copy holds)."""
    present = db.identity_map.get(identity_key(User, user_id))
    if isinstance(present, User):  # already in this session: as loaded there
        return present if present.active and generation == present.token_generation else None
    database = _database(db)
    remembered = CALLERS.get(database, user_id, generation)
    if remembered is not None:
        db.info.pop(LOOKUP, None)
        make_transient_to_detached(remembered)
        db.add(remembered)
        return remembered
    _begin_pending_lookup(db)
    user = UserRepository(db).get(user_id)
    if user is None or not user.active or generation != user.token_generation:
        return None
    CALLERS.put(database, user)
    return user


def caller_by_api_key(db: Session, key: str) -> tuple[ApiKey, User] | None:
    """The active key and its active owner, or None."""
    _begin_pending_lookup(db)
    record = ApiKeyRepository(db).find_active(key)
    owner = UserRepository(db).get(record.owner_id) if record else None
    if record is None or owner is None or not owner.active:
        return None
    return record, owner


def begin_lookup(db: Session) -> None:
    """Look up who is calling in a plain read transaction (no write lock on SQLite), begun by the first
    lookup that needs the database (none when the caller is remembered); the caller commits."""
    db.info[LOOKUP] = True
