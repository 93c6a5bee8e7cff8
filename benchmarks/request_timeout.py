"""How soon a request over its time limit is answered 503 (api/timeouts.py), against the limit.

    .venv/bin/python benchmarks/request_timeout.py [--requests 20] [--limits 0.1 0.3 1.0]

The speed goal of the time limit, kept here and out of the unit tests (tests/hardening/test_guards.py tests
what is answered, never how fast): a request whose handler is still at work is answered at most one sweep
interval after its limit (the middleware's own promise: ``seconds / 20``, capped at 0.25 s), plus the
event loop's own delay. The handler here is held on an event (a synchronous endpoint in the threadpool, as
the engine is), so the time measured is the limit's alone. Prints, per limit, the median and the worst
delay past the limit and whether the worst stayed within the goal; exits 1 when it did not.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from nervemap.api.timeouts import RequestTimeout

# the event loop's and the test client's thread hand-offs: at most about 21 ms beyond the tick in the
# first run (session 11, 10 requests per limit, 2 cores shared with other work); 50 ms leaves room for load
LOOP_ALLOWANCE_S = 0.05


def _app(limit: float, release: threading.Event) -> RequestTimeout:
    def held(_: Request) -> JSONResponse:
        release.wait(30)
        return JSONResponse({"status": "late"})

    return RequestTimeout(Starlette(routes=[Route("/held", held)]), seconds=limit)


def measure(limit: float, requests: int) -> list[float]:
    """Seconds past ``limit`` before each 503, one request at a time."""
    delays: list[float] = []
    release = threading.Event()
    with TestClient(_app(limit, release)) as client:
        for _ in range(requests):
            release.clear()
            started = time.perf_counter()
            answer = client.get("/held")
            delays.append(time.perf_counter() - started - limit)
            release.set()  # let the abandoned handler end before the next request
            if answer.status_code != 503:
                raise SystemExit(f"expected 503 after {limit} s, got {answer.status_code}")
    return delays


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--limits", type=float, nargs="+", default=[0.1, 0.3, 1.0])
    args = parser.parse_args(argv)
    met = True
    print(f"{'limit s':>8} {'tick s':>7} {'median past s':>14} {'worst past s':>13} {'goal s':>7}  within")
    for limit in args.limits:
        tick = min(max(limit / 20, 0.005), 0.25)
        goal = tick + LOOP_ALLOWANCE_S
        delays = measure(limit, args.requests)
        worst = max(delays)
        within = worst <= goal
        met = met and within
        median = statistics.median(delays)
        print(f"{limit:>8.3f} {tick:>7.3f} {median:>14.4f} {worst:>13.4f} {goal:>7.3f}  {within}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
