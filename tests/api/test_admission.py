"""The line in arrival order (api/admission.py): at most N requests inside, the rest admitted first come
first served; /health never waits; a request answered 503 while in line does not run; a request that
gives up waiting does not keep a place."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from nervemap.api.admission import AdmissionLine
from nervemap.api.timeouts import RequestTimeout
from nervemap.app import create_app
from nervemap.settings import Settings


def _scope(path: str = "/v1/assessments", method: str = "POST") -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "headers": []}


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


class _Recorder:
    """An ASGI app that notes who entered, how many were inside at most, and waits to be released."""

    def __init__(self) -> None:
        self.entered: list[int] = []
        self.inside = 0
        self.most_inside = 0
        self.release: dict[int, asyncio.Event] = {}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        number = scope["number"]
        self.entered.append(number)
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        try:
            await self.release.setdefault(number, asyncio.Event()).wait()
        finally:
            self.inside -= 1


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_at_most_limit_inside_and_the_rest_admitted_in_arrival_order() -> None:
    async def scenario() -> tuple[list[int], int]:
        app = _Recorder()
        line = AdmissionLine(app, limit=2)
        tasks = []
        for number in range(6):
            scope = {**_scope(), "number": number}
            tasks.append(asyncio.create_task(line(scope, _receive, _noop_send)))
            await _settle()
        assert app.entered == [0, 1]  # two inside, four waiting
        for number in (1, 0, 2, 3, 4, 5):  # the first two leave in the other order: still FIFO after
            app.release.setdefault(number, asyncio.Event()).set()
            await _settle()
        await asyncio.gather(*tasks)
        return app.entered, app.most_inside

    entered, most_inside = asyncio.run(scenario())
    assert entered == [0, 1, 2, 3, 4, 5]
    assert most_inside == 2


def test_health_does_not_wait_in_line() -> None:
    async def scenario() -> bool:
        app = _Recorder()
        line = AdmissionLine(app, limit=1)
        busy = asyncio.create_task(line({**_scope(), "number": 0}, _receive, _noop_send))
        await _settle()
        probe = asyncio.create_task(line({**_scope("/health", "GET"), "number": 1}, _receive, _noop_send))
        await _settle()
        health_ran = 1 in app.entered
        for number in (0, 1):
            app.release.setdefault(number, asyncio.Event()).set()
        await asyncio.gather(busy, probe)
        return health_ran

    assert asyncio.run(scenario())


def test_a_request_that_gives_up_waiting_keeps_no_place() -> None:
    async def scenario() -> list[int]:
        app = _Recorder()
        line = AdmissionLine(app, limit=1)
        first = asyncio.create_task(line({**_scope(), "number": 0}, _receive, _noop_send))
        await _settle()
        gives_up = asyncio.create_task(line({**_scope(), "number": 1}, _receive, _noop_send))
        after = asyncio.create_task(line({**_scope(), "number": 2}, _receive, _noop_send))
        await _settle()
        gives_up.cancel()
        await _settle()
        app.release.setdefault(0, asyncio.Event()).set()
        await _settle()
        app.release.setdefault(2, asyncio.Event()).set()
        await asyncio.gather(first, after)
        with pytest.raises(asyncio.CancelledError):
            await gives_up
        # the line is empty again: a new request goes straight in
        late = asyncio.create_task(line({**_scope(), "number": 3}, _receive, _noop_send))
        await _settle()
        app.release.setdefault(3, asyncio.Event()).set()
        await late
        return app.entered

    assert asyncio.run(scenario()) == [0, 2, 3]


def test_a_request_answered_503_while_in_line_does_not_run() -> None:
    async def scenario() -> tuple[list[int], list[int]]:
        app = _Recorder()
        timed = RequestTimeout(AdmissionLine(app, limit=1), seconds=0.05)
        statuses: list[int] = []

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        holder = asyncio.create_task(timed({**_scope(), "number": 0}, _receive, send))
        await _settle()
        late = asyncio.create_task(timed({**_scope(), "number": 1}, _receive, send))
        await asyncio.sleep(0.2)  # both limits pass; the first is inside, the second in line
        app.release.setdefault(0, asyncio.Event()).set()
        await asyncio.gather(holder, late)
        await _settle()
        return app.entered, statuses

    entered, statuses = asyncio.run(scenario())
    assert entered == [0]  # the second request never reached the app
    assert statuses == [503, 503]


def test_the_line_is_set_from_the_settings(tmp_path: Any) -> None:
    def layers(settings: Settings) -> list[type]:
        app = create_app(settings)
        return [middleware.cls for middleware in app.user_middleware]  # type: ignore[misc]

    base = {"data_dir": tmp_path, "database_url": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    assert AdmissionLine in layers(Settings(**base, admission_limit=16))  # type: ignore[arg-type]
    assert AdmissionLine not in layers(Settings(**base, admission_limit=0))  # type: ignore[arg-type]
    assert AdmissionLine not in layers(Settings(**base))  # type: ignore[arg-type]  # off by default
    with pytest.raises(ValueError):
        AdmissionLine(_Recorder(), limit=0)


async def _noop_send(message: dict[str, Any]) -> None:
    return None
