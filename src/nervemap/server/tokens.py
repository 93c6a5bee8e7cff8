"""Signed, expiring bearer tokens: base64url(JSON payload) "." base64url(HMAC-SHA256).

The payload carries the user's token generation (``gen``); the caller compares it with the user's
current one, so raising the user's generation revokes every token issued before (issue 18).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import time
import uuid
from dataclasses import dataclass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class TokenClaims:
    user_id: uuid.UUID
    expires_at: float
    generation: int = 0


class TokenSigner:
    def __init__(self, key: bytes, lifetime_s: float) -> None:
        self._key = key
        self.lifetime_s = lifetime_s

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())

    def issue(self, user_id: uuid.UUID, now: float | None = None, generation: int = 0) -> tuple[str, float]:
        issued = time.time() if now is None else now
        expires = issued + self.lifetime_s
        claims = {"sub": str(user_id), "iat": int(issued), "exp": expires, "gen": generation}
        payload = _b64(json.dumps(claims).encode())
        return f"{payload}.{self._mac(payload)}", expires

    def verify(self, token: str, now: float | None = None) -> TokenClaims | None:
        """The claims of a genuine, unexpired token; None for anything else (non-ASCII text too:
        ``hmac.compare_digest`` raises TypeError on non-ASCII str, so bytes are compared)."""
        if not isinstance(token, str) or not token.isascii():
            return None
        payload, _, mac = token.partition(".")
        if not payload or not mac or not hmac.compare_digest(mac.encode(), self._mac(payload).encode()):
            return None
        try:
            claims = json.loads(_unb64(payload))
            user_id = uuid.UUID(claims["sub"])
            expires = float(claims["exp"])
            generation = claims.get("gen", 0)
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None
        if not isinstance(generation, int) or isinstance(generation, bool):
            return None
        if not math.isfinite(expires):  # nan never compares, inf never comes: neither is an expiry
            return None
        if expires <= (time.time() if now is None else now):
            return None
        return TokenClaims(user_id, expires, generation)
