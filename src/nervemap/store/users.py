"""User accounts: create, find, list; deactivate, reactivate, change passwords, end sessions.

Every bearer token and session cookie carries the user's ``token_generation``; ``end_sessions``
raises it, so all of them stop working at the next request. Deactivation and a password change
or reset end sessions too.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from nervemap.store.models import Role, User


def normalise_email(email: str) -> str:
    return email.strip().lower()


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, email: str, role: Role, password_hash: str) -> User:
        user = User(email=normalise_email(email), role=role.value, password_hash=password_hash)
        self.session.add(user)
        self.session.flush()
        return user

    def get(self, user_id: uuid.UUID) -> User | None:
        return self.session.get(User, user_id)

    def by_email(self, email: str) -> User | None:
        return self.session.scalar(select(User).where(User.email == normalise_email(email)))

    def exists(self, email: str) -> bool:
        return self.by_email(email) is not None

    def all(self) -> list[User]:
        return list(self.session.scalars(select(User).order_by(User.created_at, User.email)))

    def end_sessions(self, user: User) -> None:
        """Every token and session cookie issued to ``user`` so far stops working."""
        # Raised in the database (UPDATE ... SET token_generation = token_generation + 1), not from this
        # object's copy: a user remembered by services.accounts.CallerCache may hold an older one, and
        # two sign-outs at once both count. Read again on next access.
        user.token_generation = User.token_generation + 1
        self.session.flush()

    def set_active(self, user: User, active: bool) -> bool:
        """Deactivate (sessions end; API keys are refused while inactive) or reactivate; False when
        it already was so."""
        if user.active == active:
            return False
        user.active = active
        self.end_sessions(user)
        return True

    def set_password(self, user: User, password_hash: str) -> None:
        user.password_hash = password_hash
        self.end_sessions(user)
