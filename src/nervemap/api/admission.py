"""First come, first served: at most N requests of a process inside the app at once, the rest in line.

Why (issue 16, the 100-client p99). Without a line, every request a process has accepted runs at
once: ~50 at 100 clients over two workers, each handing its engine work to one of the threadpool's
40 threads, and the threads take turns at the GIL in an order nobody chose (a waiting thread is
picked at random every 5 ms switch interval). That is service in random order: a request's time
is anywhere between a few and ~2x the mean, so p99 was 2-3x p50 inside the app. With a line kept
in arrival order the wait is the same for every request (the number ahead of it times the time a
request takes); only the few requests inside share the GIL at random, for a few milliseconds.

N must be large enough that the process is never idle for want of work while the requests inside
wait (for the group commit's disk sync, for a database lock) and that the group commit still
gathers several requests a transaction; small enough that the random share stays small. The line
is per process (``serve --workers N`` gives each its own). ``GET /health`` never waits in it (the
time limit does not wrap it either).

A request whose time limit (api/timeouts.py) ran out while it waited in line has been answered
503 already: it leaves the line without running the app.
"""

from __future__ import annotations

import asyncio
from collections import deque

from starlette.types import ASGIApp, Receive, Scope, Send

from nervemap.api.timeouts import UNTIMED, request_expired


class _Line:
    """The line of one event loop: how many requests are inside, and the turns of those waiting."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.inside = 0
        self.waiting: deque[asyncio.Future[None]] = deque()

    def leave(self) -> None:
        """A request leaves: its place goes to the first one waiting (``inside`` stays counted)."""
        while self.waiting:
            turn = self.waiting.popleft()
            if not turn.done():  # a cancelled turn is skipped
                turn.set_result(None)
                return
        self.inside -= 1


class AdmissionLine:
    """Pure ASGI middleware: at most ``limit`` HTTP requests in ``app`` at once, admitted in the
    order they arrived (a deque of futures: asyncio's Semaphore does not promise that order).

    One line per event loop (a server process runs one; test clients may run a loop per request,
    in threads of their own): a request keeps the line it joined, whose futures belong to its loop.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.app = app
        self.limit = limit
        self._current: _Line | None = None

    def _line(self, loop: asyncio.AbstractEventLoop) -> _Line:
        line = self._current
        if line is None or line.loop is not loop:
            line = self._current = _Line(loop)
        return line

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) in UNTIMED:
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        line = self._line(loop)
        if line.inside < self.limit and not line.waiting:
            line.inside += 1
        else:
            turn: asyncio.Future[None] = loop.create_future()
            line.waiting.append(turn)
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():
                    line.leave()  # given a place just as it was cancelled: pass it on
                raise
        try:
            if request_expired():
                return  # answered 503 by the time limit while in line: nothing to run
            await self.app(scope, receive, send)
        finally:
            line.leave()
