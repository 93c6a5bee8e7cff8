"""User accounts: create, find, list."""

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
