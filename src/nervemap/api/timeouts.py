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

from nervemap.api.problems import FieldError, ProblemError, problem_response


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
    deadline = _deadline.get()
    if deadline is None:
        return
    with deadline.lock:
        if deadline.expired:
            raise RequestExpired()
        deadline.writing = True


def _install_guard() -> None:
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)


class RequestTimeout:
    """Pure ASGI middleware: the app runs in its own task, awaited at most ``seconds``."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds
        self._abandoned: set[asyncio.Task[None]] = set()
        _install_guard()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
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

        token = _deadline.set(deadline)
        try:
            task: asyncio.Task[None] = asyncio.ensure_future(self.app(scope, receive, guarded))
        finally:
            _deadline.reset(token)
        try:
            done, _ = await asyncio.wait({task}, timeout=self.seconds)
        except asyncio.CancelledError:
            task.cancel()
            raise
        if task not in done:
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
