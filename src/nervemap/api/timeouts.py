"""A time limit per request: 503 problem when the handler (engine work in the threadpool) is slow.

A synchronous handler runs in a worker thread that cannot be stopped, so the limit works with the
database instead: when time is up *before the request wrote anything*, the request is marked
expired and answered 503 at once; any later write of that request (a session flush) raises, so
the abandoned thread stores nothing. When time is up *after* the request started writing, the
write is let finish and its real answer is awaited: a client is never told "not stored" about a
record that was stored. The request's deadline reaches the worker thread through a context
variable (Starlette and anyio copy the context into the threadpool).

The abandoned thread still runs to its end: it holds one threadpool slot until then.
"""

from __future__ import annotations

import asyncio
import threading
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nervemap.server.problems import FieldError, ProblemError, problem_response
from nervemap.services.database import claim_before_writing


class RequestExpired(ProblemError):
    """Raised in an abandoned handler that tries to write after its request was answered 503."""

    def __init__(self) -> None:
        super().__init__(503, "timeout", "Timed out", "the request took too long; nothing was stored")


@dataclass
class Deadline:
    lock: threading.Lock = field(default_factory=threading.Lock)
    expired: bool = False
    writing: bool = False
    responding: bool = False


_deadline: ContextVar[Deadline | None] = ContextVar("nervemap_request_deadline", default=None)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    claim_write()


def claim_write() -> None:
    """The request is about to write: refused (:class:`RequestExpired`) when it was already answered
    503, else marked as writing (its real answer is then awaited). A session flush calls it, and a
    group commit (store/group_commit.py), registered through ``services.database``."""
    deadline = _deadline.get()
    if deadline is None:
        return
    with deadline.lock:
        if deadline.expired:
            raise RequestExpired()
        deadline.writing = True


def request_expired() -> bool:
    """Whether the current request was already answered 503 by its time limit (False outside one)."""
    deadline = _deadline.get()
    return deadline is not None and deadline.expired


def _install_guard() -> None:
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    claim_before_writing(claim_write)


class _Sweeper:
    """One timer per event loop for all requests in flight, instead of one timer per request.

    Every ``tick`` seconds (only while requests are waiting) it wakes the requests whose time is
    up: a request is answered at most one tick after its limit. A timer per request costs a heap
    entry that stays after the request ends (a cancelled timer is dropped only when it is due or
    when half the heap is cancelled): at a few thousand requests a second and a 30 s limit, the
    heap holds tens of thousands of dead entries.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, tick: float) -> None:
        self.loop = loop
        self.tick = tick
        self.waiting: dict[asyncio.Future[None], float] = {}
        self.armed = False

    def add(self, waiter: asyncio.Future[None], due: float) -> None:
        self.waiting[waiter] = due
        if not self.armed:
            self.armed = True
            self.loop.call_later(self.tick, self._sweep)

    def _sweep(self) -> None:
        now = self.loop.time()
        for waiter, due in list(self.waiting.items()):
            if due <= now:
                del self.waiting[waiter]
                if not waiter.done():
                    waiter.set_result(None)
        self.armed = bool(self.waiting)
        if self.armed:
            self.loop.call_later(self.tick, self._sweep)


# Routes whose endpoint is ``async def`` without dependencies and awaits nothing: they hand nothing
# to the threadpool, so the limit would have nothing to abandon (tests/api/test_health.py checks).
UNTIMED: frozenset[tuple[str, str]] = frozenset({("GET", "/health"), ("HEAD", "/health")})


class RequestTimeout:
    """Pure ASGI middleware: the app runs in its own task, awaited at most ``seconds`` (plus at
    most one sweep interval, ``seconds / 20`` capped at 0.25 s).

    Requests to the :data:`UNTIMED` routes (``/health``) run inline, without the extra task: their
    ``async`` endpoint awaits nothing, and could outlast the limit only by blocking the event loop,
    which the limit could not interrupt either.
    """

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds
        self.tick = min(max(seconds / 20, 0.005), 0.25)
        self._abandoned: set[asyncio.Task[None]] = set()
        self._current: _Sweeper | None = None
        _install_guard()

    def _sweeper(self, loop: asyncio.AbstractEventLoop) -> _Sweeper:
        """The sweeper of this event loop (a server runs one loop per process). A request keeps
        the sweeper it was added to, and an armed sweeper is kept alive by its loop's timer, so
        requests on another loop (test clients) only cost a new sweeper, never a lost deadline."""
        sweeper = self._current
        if sweeper is None or sweeper.loop is not loop:
            sweeper = self._current = _Sweeper(loop, self.tick)
        return sweeper

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if (scope["method"], scope["path"]) in UNTIMED:
            await self.app(scope, receive, send)
            return
        deadline = Deadline()

        async def guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                with deadline.lock:
                    if deadline.expired:
                        return
                    deadline.responding = True
            elif deadline.expired:
                return
            await send(message)

        loop = asyncio.get_running_loop()
        # One future, woken by the app's end or by the sweeper when the time is up. The app's
        # coroutine wakes it itself (not a done callback: one event-loop pass fewer).
        waiter: asyncio.Future[None] = loop.create_future()

        async def run() -> None:
            try:
                await self.app(scope, receive, guarded)
            finally:
                if not waiter.done():
                    waiter.set_result(None)

        token = _deadline.set(deadline)
        try:
            task: asyncio.Task[None] = loop.create_task(run())
        finally:
            _deadline.reset(token)
        sweeper = self._sweeper(loop)
        sweeper.add(waiter, loop.time() + self.seconds)
        try:
            await waiter
        except asyncio.CancelledError:
            task.cancel()
            raise
        finally:
            sweeper.waiting.pop(waiter, None)
        if not task.done():
            with deadline.lock:
                if not (deadline.writing or deadline.responding):
                    deadline.expired = True
            if deadline.expired:
                self._abandon(task)
                await self._refuse(scope, receive, send)
                return
        await task

    def _abandon(self, task: asyncio.Task[None]) -> None:
        self._abandoned.add(task)

        def finished(done: asyncio.Task[None]) -> None:
            self._abandoned.discard(done)
            if not done.cancelled():
                done.exception()  # retrieved: an abandoned handler's error was already answered

        task.add_done_callback(finished)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        seconds = f"{self.seconds:g}"
        response = problem_response(
            503,
            "timeout",
            "Timed out",
            f"the request took longer than {seconds} s; nothing was stored, it may be retried",
            [FieldError(field="body", reason=f"not processed within {seconds} s")],
            scope.get("path"),
            headers={"Retry-After": "5"},
        )
        await response(scope, receive, send)
