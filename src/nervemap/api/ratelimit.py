"""Token buckets for login attempts and anonymous interview starts: 429 + Retry-After.

- ``POST /v1/auth/login`` and the web sign-in form ``POST /clinic/login``: one policy and the same
  buckets, one per client IP and one per account (the email in the JSON body or the form,
  case-folded), so an account locked through the API is locked on the web form too and the other
  way round. A successful login (200 from the API, the 303 redirect from the form) gives its
  account token back, so a clinician who logs in often is never throttled by their own successes.
  The form is refused with a 429 HTML page, the API with a 429 problem document.
- ``POST /v1/interviews`` without a genuine bearer token or an API key, and the patient web pages'
  anonymous writes ``POST /start`` and ``POST /checkin/start`` (a new interview, the second a
  follow-up check-in from an episode link) and ``POST /interview/consultation`` (a request to be
  contacted): one bucket per client IP, shared by all of them (the web ones answer a 429 HTML page).
  (The route refuses wrong credentials with 401, so credentials cannot be faked to skip the limit
  and still start an anonymous interview.)

Buckets live in the process, or, with ``shared_file`` (``NERVEMAP_RATE_LIMIT_FILE``, which
``nervemap serve --workers N`` sets), in a small SQLite file that the worker processes of one host
share, so the limits hold for all of them together. Workers on several hosts each keep their own.
The client IP is the socket peer; behind a reverse proxy run uvicorn with ``--proxy-headers
--forwarded-allow-ips`` so that it is the real client. At most ``max_keys`` buckets are kept per
kind; the least recently used are dropped first.
"""

from __future__ import annotations

import html
import json
import math
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import anyio.to_thread
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nervemap.server.problems import FieldError, problem_response
from nervemap.server.tokens import TokenSigner

LOGIN_PATH = "/v1/auth/login"
WEB_LOGIN_PATH = "/clinic/login"
LOGIN_PATHS = frozenset({LOGIN_PATH, WEB_LOGIN_PATH})
WEB_ANONYMOUS_PATHS = frozenset({"/start", "/checkin/start", "/interview/consultation"})
HTML_PATHS = frozenset({WEB_LOGIN_PATH}) | WEB_ANONYMOUS_PATHS
INTERVIEW_PATHS = frozenset({"/v1/interviews", "/v1/interviews/"})
Clock = Callable[[], float]


@dataclass(frozen=True)
class Rate:
    burst: int  # bucket size: attempts allowed at once
    per_minute: float  # refill


class TokenBuckets:
    """Token buckets by key. ``take`` answers 0 when allowed, else the seconds until a token."""

    def __init__(self, rate: Rate, max_keys: int = 10_000, clock: Clock = time.monotonic) -> None:
        self.rate = rate
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    def _level(self, key: str, now: float) -> float:
        tokens, at = self._buckets.get(key, (float(self.rate.burst), now))
        return min(float(self.rate.burst), tokens + (now - at) * self.rate.per_minute / 60)

    def _store(self, key: str, tokens: float, now: float) -> None:
        self._buckets[key] = (tokens, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)

    def take(self, key: str) -> float:
        now = self.clock()
        tokens = self._level(key, now)
        if tokens >= 1:
            self._store(key, tokens - 1, now)
            return 0.0
        self._store(key, tokens, now)
        if self.rate.per_minute <= 0:
            return math.inf
        return (1 - tokens) * 60 / self.rate.per_minute

    def give_back(self, key: str) -> None:
        now = self.clock()
        self._store(key, min(float(self.rate.burst), self._level(key, now) + 1), now)

    def __len__(self) -> int:
        return len(self._buckets)


class SharedTokenBuckets:
    """The same buckets in a SQLite file shared by processes: one short ``BEGIN IMMEDIATE``
    transaction per attempt. The clock must be one all processes share (``time.monotonic`` is,
    on one host). Nothing here needs to survive a crash: the file is not synced."""

    def __init__(
        self, path: Path, kind: str, rate: Rate, max_keys: int = 10_000, clock: Clock = time.monotonic
    ) -> None:
        self.kind = kind
        self.rate = rate
        self.max_keys = max_keys
        self.clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=OFF")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS buckets (kind TEXT NOT NULL, key TEXT NOT NULL, "
                "tokens REAL NOT NULL, at REAL NOT NULL, PRIMARY KEY (kind, key))"
            )
            # The least recently used key of a kind is found through this index, and the number of
            # keys is kept beside them: dropping the oldest is O(log n), not a sort of every key
            # of the kind on each new key (10,000 by default) while every worker waits.
            self._db.execute("CREATE INDEX IF NOT EXISTS buckets_by_age ON buckets (kind, at)")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS bucket_counts (kind TEXT PRIMARY KEY, keys INTEGER NOT NULL)"
            )
            self._db.execute(
                "INSERT OR IGNORE INTO bucket_counts (kind, keys) "
                "VALUES (?, (SELECT count(*) FROM buckets WHERE kind = ?))",
                (kind, kind),
            )

    def _update(self, key: str, change: Callable[[float], tuple[float, float]]) -> float:
        """Apply ``change(level) -> (new level, answer)`` to the bucket of ``key`` atomically."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                now = self.clock()
                row = self._db.execute(
                    "SELECT tokens, at FROM buckets WHERE kind = ? AND key = ?", (self.kind, key)
                ).fetchone()
                tokens, at = row if row else (float(self.rate.burst), now)
                level = min(float(self.rate.burst), tokens + max(0.0, now - at) * self.rate.per_minute / 60)
                stored, answer = change(level)
                self._db.execute(
                    "INSERT OR REPLACE INTO buckets (kind, key, tokens, at) VALUES (?, ?, ?, ?)",
                    (self.kind, key, stored, now),
                )
                if row is None:  # a new key: drop the least recently used beyond max_keys
                    (keys,) = self._db.execute(
                        "UPDATE bucket_counts SET keys = keys + 1 WHERE kind = ? RETURNING keys", (self.kind,)
                    ).fetchone()
                    if keys > self.max_keys:
                        dropped = self._db.execute(
                            "DELETE FROM buckets WHERE rowid IN (SELECT rowid FROM buckets WHERE kind = ? "
                            "ORDER BY at LIMIT ?)",
                            (self.kind, keys - self.max_keys),
                        ).rowcount
                        self._db.execute(
                            "UPDATE bucket_counts SET keys = keys - ? WHERE kind = ?", (dropped, self.kind)
                        )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return answer

    def take(self, key: str) -> float:
        def change(level: float) -> tuple[float, float]:
            if level >= 1:
                return level - 1, 0.0
            if self.rate.per_minute <= 0:
                return level, math.inf
            return level, (1 - level) * 60 / self.rate.per_minute

        return self._update(key, change)

    def give_back(self, key: str) -> None:
        self._update(key, lambda level: (min(float(self.rate.burst), level + 1), 0.0))

    def __len__(self) -> int:
        with self._lock:
            row = self._db.execute("SELECT count(*) FROM buckets WHERE kind = ?", (self.kind,)).fetchone()
        return int(row[0])


Buckets = TokenBuckets | SharedTokenBuckets


async def _call(buckets: Buckets, method: str, key: str) -> float:
    """In-process buckets are called directly; shared ones in a worker thread (they may wait for
    another process's transaction, which must not stall the event loop)."""
    function = getattr(buckets, method)
    if isinstance(buckets, SharedTokenBuckets):
        answer = await anyio.to_thread.run_sync(function, key)
    else:
        answer = function(key)
    return float(answer or 0.0)


@dataclass(frozen=True)
class Limits:
    login_ip: Rate
    login_account: Rate
    interview_ip: Rate
    max_keys: int = 10_000
    shared_file: Path | None = None  # buckets shared by the processes of one host


def is_rate_limited(method: str, path: str) -> bool:
    return method == "POST" and (
        path in LOGIN_PATHS or path in INTERVIEW_PATHS or path in WEB_ANONYMOUS_PATHS
    )


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _account(body: bytes) -> str | None:
    """The email of an API login body (JSON); None when there is none or the body is not JSON."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # deeply nested JSON: the route answers 4xx
        return None
    email = document.get("email") if isinstance(document, dict) else None
    return _account_key(email)


def _form_account(body: bytes) -> str | None:
    """The email of the web sign-in form (application/x-www-form-urlencoded)."""
    try:
        fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=50)
    except ValueError:  # too many fields: the route refuses the form
        return None
    emails = fields.get("email")
    return _account_key(emails[0]) if emails else None


def _account_key(email: object) -> str | None:
    if not isinstance(email, str) or not email.strip():
        return None
    return email.strip().casefold()[:254]


class RateLimit:
    """Pure ASGI middleware; must sit inside :class:`BodySizeLimit` (it reads login bodies)."""

    def __init__(self, app: ASGIApp, limits: Limits, clock: Clock = time.monotonic) -> None:
        self.app = app
        self.login_ip = self._buckets(limits, "login_ip", limits.login_ip, clock)
        self.login_account = self._buckets(limits, "login_account", limits.login_account, clock)
        self.interview_ip = self._buckets(limits, "interview_ip", limits.interview_ip, clock)

    @staticmethod
    def _buckets(limits: Limits, kind: str, rate: Rate, clock: Clock) -> Buckets:
        if limits.shared_file is None:
            return TokenBuckets(rate, limits.max_keys, clock)
        return SharedTokenBuckets(limits.shared_file, kind, rate, limits.max_keys, clock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_rate_limited(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        if scope["path"] in LOGIN_PATHS:
            await self._login(scope, receive, send)
            return
        if scope["path"] in WEB_ANONYMOUS_PATHS or not self._authenticated(scope):
            wait = await _call(self.interview_ip, "take", _client(scope))
            if wait:
                await self._refuse(scope, receive, send, wait, "client", "too many interviews started")
                return
        await self.app(scope, receive, send)

    def _authenticated(self, scope: Scope) -> bool:
        """A genuine bearer token, or an API key (the route answers 401 to a wrong one)."""
        if _header(scope, b"x-api-key"):
            return True
        authorization = _header(scope, b"authorization") or ""
        scheme, _, token = authorization.partition(" ")
        signer = getattr(getattr(scope.get("app"), "state", None), "signer", None)
        if scheme.lower() != "bearer" or not isinstance(signer, TokenSigner):
            return False
        return signer.verify(token.strip()) is not None

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        wait = await _call(self.login_ip, "take", _client(scope))
        if wait:
            await self._refuse(scope, receive, send, wait, "client", "too many login attempts from here")
            return
        body = await _read_body(receive)
        if body is None:  # the client went away
            return
        web = scope["path"] == WEB_LOGIN_PATH
        account = _form_account(body) if web else _account(body)
        if account is not None:
            wait = await _call(self.login_account, "take", account)
            if wait:
                field = "form.email" if web else "body.email"
                await self._refuse(scope, receive, send, wait, field, "too many attempts on account")
                return
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, _replay(body, receive), watch)
        if account is not None and status == (303 if web else 200):
            await _call(self.login_account, "give_back", account)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, wait: float, field: str, reason: str
    ) -> None:
        seconds = 3600 if math.isinf(wait) else max(1, math.ceil(wait))
        if scope.get("path") in HTML_PATHS:
            await _refusal_page(seconds, scope.get("path") == WEB_LOGIN_PATH)(scope, receive, send)
            return
        response = problem_response(
            429,
            "rate-limited",
            "Too many requests",
            f"{reason}; retry after {seconds} s",
            [FieldError(field=field, reason=f"{reason}; retry after {seconds} s")],
            scope.get("path"),
            headers={"Retry-After": str(seconds)},
        )
        await response(scope, receive, send)


def _refusal_page(seconds: int, sign_in: bool) -> Response:
    """The web pages' 429: a plain HTML page, never JSON."""
    if sign_in:
        title, back = "Too many sign-in attempts", ("/clinic/login", "Back to sign-in")
        message = (
            f"For your security, sign-in is paused after several attempts. Please wait {seconds} "
            "seconds and try again."
        )
    else:
        title, back = "Too many requests", ("/", "Back to the start page")
        message = (
            f"Too many requests came from this network. Please wait {seconds} seconds and try again. "
            "If the pain is severe or you have new weakness, numbness around the bottom or problems "
            "passing urine, get medical help now: do not wait."
        )
    headers = {"Retry-After": str(seconds), "Cache-Control": "no-store"}
    body = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title></head><body><main><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>"
        f'<p><a href="{back[0]}">{html.escape(back[1])}</a></p></main></body></html>'
    )
    return HTMLResponse(body, status_code=429, headers=headers)


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body (already bounded by BodySizeLimit); None when the client left."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
