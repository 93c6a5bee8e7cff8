"""CDS Hooks 2.0 trust model: the client signs a short-lived JWT, sent as ``Authorization: Bearer``.

Checked here (CDS Hooks 2.0 §Trusting CDS Clients):

- the header: ``alg`` ES384 or RS384 (never ``none`` or an HMAC), a ``kid`` naming one key of the
  client's JWKS, which comes from configuration (``jku`` is ignored: no key is fetched);
- the claims ``iss`` (a configured client), ``sub``, ``aud`` (the URL of the endpoint called),
  ``exp`` (at most five minutes ahead), ``iat`` and ``jti``, all required;
- ``jti`` not seen before from that issuer while the token is valid (replays refused; the memory is
  per process, so with several workers a replay could reach another worker once).

nervemap's own bearer tokens have two dot-separated parts, a JWT three: the caller decides which.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

import jwt

from nervemap.interop.cds_config import CdsClient, CdsConfig

ALGORITHMS = ("ES384", "RS384")
MAX_LIFETIME_S = 300
LEEWAY_S = 30
REQUIRED = ["iss", "sub", "aud", "exp", "iat", "jti"]


class CdsAuthError(ValueError):
    """The JWT is refused; the message says why (never echoing the token)."""


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2


class ReplayGuard:
    """The ``jti`` values seen, kept until their token expires (bounded)."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self._seen: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def first_use(self, issuer: str, jti: str, expires: float, now: float) -> bool:
        with self._lock:
            while self._seen and next(iter(self._seen.values())) < now:
                self._seen.popitem(last=False)
            key = (issuer, jti)
            if key in self._seen:
                return False
            self._seen[key] = expires + LEEWAY_S
            while len(self._seen) > self.max_entries:
                self._seen.popitem(last=False)
            return True


def _unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise CdsAuthError("not a well-formed JWT") from error
    return header, claims


def _key(client: CdsClient, kid: Any, alg: str) -> Any:
    if not isinstance(kid, str) or not kid:
        raise CdsAuthError("the JWT header has no kid")
    keys = client.key_set().get("keys")
    found = [k for k in keys if isinstance(k, dict) and k.get("kid") == kid] if isinstance(keys, list) else []
    if not found:
        raise CdsAuthError(f"no key {kid!r} in the JWKS configured for {client.iss}")
    declared = found[0].get("alg")
    if declared is not None and declared != alg:
        raise CdsAuthError(f"key {kid!r} is for {declared}, the JWT says {alg}")
    try:
        return jwt.PyJWK(found[0], algorithm=alg).key
    except jwt.PyJWTError as error:
        raise CdsAuthError(f"key {kid!r} cannot verify {alg}") from error


def verify_client_jwt(
    token: str, config: CdsConfig, audience: str, replays: ReplayGuard, now: float | None = None
) -> CdsClient:
    """The configured client that signed ``token`` for ``audience``; CdsAuthError saying why not."""
    now = time.time() if now is None else now
    header, unverified = _unverified(token)
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise CdsAuthError(f"alg must be one of {', '.join(ALGORITHMS)}, got {alg!r}")
    issuer = unverified.get("iss")
    client = config.client(issuer) if isinstance(issuer, str) else None
    if client is None:
        raise CdsAuthError("the JWT iss is not a configured CDS client")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=_key(client, header.get("kid"), alg),
            algorithms=[alg],
            audience=[audience.rstrip("/"), audience.rstrip("/") + "/"],
            issuer=client.iss,
            leeway=LEEWAY_S,
            options={"require": REQUIRED, "verify_iat": True},
        )
    except jwt.ExpiredSignatureError as error:
        raise CdsAuthError("the JWT has expired") from error
    except jwt.InvalidAudienceError as error:
        raise CdsAuthError(f"the JWT aud is not {audience}") from error
    except jwt.MissingRequiredClaimError as error:
        raise CdsAuthError(f"the JWT has no {error.claim} claim") from error
    except jwt.PyJWTError as error:
        raise CdsAuthError(f"the JWT is invalid ({type(error).__name__})") from error
    expires = float(claims["exp"])
    if expires > now + MAX_LIFETIME_S + LEEWAY_S:
        raise CdsAuthError("the JWT exp is more than five minutes ahead")
    jti = claims["jti"]
    if not isinstance(jti, str) or not jti:
        raise CdsAuthError("the JWT jti must be a non-empty string")
    if not replays.first_use(client.iss, jti, expires, now):
        raise CdsAuthError("the JWT jti was used before (replay)")
    return client
