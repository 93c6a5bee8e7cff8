"""API keys: issued once in clear, stored as a SHA-256 hash, scoped, revocable."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nervemap.store.models import ApiKey, Scope, User
from nervemap.store.types import hash_secret, utcnow

KEY_PREFIX = "nmk_"


hash_key = hash_secret


@dataclass(frozen=True)
class IssuedKey:
    record: ApiKey
    key: str  # shown once, never stored


class ApiKeyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def issue(self, owner: User, scopes: Iterable[Scope], name: str = "") -> IssuedKey:
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        record = ApiKey(
            owner_id=owner.id,
            name=name,
            prefix=key[:12],
            key_hash=hash_key(key),
            scopes=sorted({scope.value for scope in scopes}),
        )
        self.session.add(record)
        self.session.flush()
        return IssuedKey(record, key)

    def find_active(self, key: str) -> ApiKey | None:
        return self.session.scalar(
            select(ApiKey).where(ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None))
        )

    def all(self, owner_id: uuid.UUID | None = None) -> list[ApiKey]:
        """Every key (revoked ones too), oldest first; only ``owner_id``'s when given."""
        query = select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)
        if owner_id is not None:
            query = query.where(ApiKey.owner_id == owner_id)
        return list(self.session.scalars(query))

    def revoke(self, key_id: uuid.UUID) -> bool:
        record = self.session.get(ApiKey, key_id)
        if record is None or record.revoked_at is not None:
            return False
        record.revoked_at = utcnow()
        return True
