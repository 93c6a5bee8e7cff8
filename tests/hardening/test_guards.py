"""Security headers, rate limits (429 + Retry-After) and the request time limit (503, nothing stored).

No test here depends on how fast the machine is: the time limit's tests hold the engine on an event and run
the limit out themselves (E s11; a 0.3 s limit that the real engine had to beat flaked under load)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nervemap.api import timeouts
from nervemap.api.ratelimit import Rate, TokenBuckets
from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from nervemap.services import assessments as api_engine
from nervemap.store.db import WRITE_CLAIMS
from tests.api.conftest import assert_problem, example
from tests.hardening.conftest import ADMIN_EMAIL, CLINICIAN_EMAIL, PASSWORD, Service, build_service

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


@pytest.fixture
def limited(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Service, TestClient]]:
    overrides: dict[str, Any] = getattr(request, "param", {})
    built = build_service(tmp_path, **overrides)
    with TestClient(built.app) as client:
        yield built, client
    built.app.state.engine.dispose()


def _assert_secured(response: Any) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, dict(response.headers))
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert "camera=()" in response.headers["permissions-policy"]


# ------------------------------------------------------------------ security headers


def test_every_answer_carries_the_security_headers(client: TestClient, fresh_service: Service) -> None:
    answers = [
        client.get("/health"),
        client.get("/no/such/page"),
        client.post("/v1/assessments", json={"age": True}, headers=fresh_service.clinician),
        client.post("/v1/assessments", content=b"x" * (70 * 1024), headers=fresh_service.clinician),
        client.get("/v1/assessments"),
    ]
    assert [a.status_code for a in answers] == [200, 404, 422, 413, 401]
    for answer in answers:
        _assert_secured(answer)
        assert "strict-transport-security" not in answer.headers  # plain http: no HSTS
    assert "unsafe-inline" not in answers[0].headers["content-security-policy"]


def test_hsts_only_over_https(fresh_service: Service) -> None:
    with TestClient(fresh_service.app, base_url="https://testserver") as client:
        answer = client.get("/health")
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")


def test_the_docs_page_gets_its_own_wider_policy(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    policy = docs.headers["content-security-policy"]
    assert "script-src 'self';" in policy  # the start-up script is a file too: no inline script
    assert "https:" not in policy and "http:" not in policy  # no other host: assets are served here
    assert "frame-ancestors 'none'" in policy


def test_openapi_documents_what_the_guards_answer(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "429" in paths["/v1/auth/login"]["post"]["responses"]
    assert "Retry-After" in paths["/v1/auth/login"]["post"]["responses"]["429"]["headers"]
    assert "429" in paths["/v1/interviews"]["post"]["responses"]
    assert "429" not in paths["/v1/assessments"]["post"]["responses"]
    for operations in paths.values():
        for operation in operations.values():
            assert "503" in operation["responses"]


# ------------------------------------------------------------------ rate limits


def test_token_bucket_refills_and_says_when() -> None:
    now = [0.0]
    buckets = TokenBuckets(Rate(burst=2, per_minute=6), max_keys=100, clock=lambda: now[0])
    assert buckets.take("a") == 0 and buckets.take("a") == 0
    assert buckets.take("a") == pytest.approx(10)  # one token per 10 s
    assert buckets.take("b") == 0  # keys are independent
    now[0] += 10
    assert buckets.take("a") == 0
    buckets.give_back("a")
    assert buckets.take("a") == 0


def test_token_buckets_are_bounded() -> None:
    buckets = TokenBuckets(Rate(burst=1, per_minute=1), max_keys=100)
    for i in range(1000):
        buckets.take(f"198.51.100.{i}")
    assert len(buckets) == 100


def _login(client: TestClient, email: str, password: str = "wrong password!") -> Any:
    return client.post("/v1/auth/login", json={"email": email, "password": password})


@pytest.mark.parametrize(
    "limited", [{"login_account_burst": 3, "login_account_per_minute": 1}], indirect=True
)
def test_login_is_limited_per_account(limited: tuple[Service, TestClient]) -> None:
    _, client = limited
    assert [_login(client, CLINICIAN_EMAIL).status_code for _ in range(3)] == [401, 401, 401]
    refused = _login(client, CLINICIAN_EMAIL.upper(), PASSWORD)  # same account, any case
    body = assert_problem(refused, 429, "body.email")
    assert body["type"] == "urn:nervemap:problem:rate-limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    _assert_secured(refused)
    assert _login(client, ADMIN_EMAIL, PASSWORD).status_code == 200  # another account is not held up


@pytest.mark.parametrize("limited", [{"login_ip_burst": 4, "login_ip_per_minute": 0}], indirect=True)
def test_login_is_limited_per_client_ip(limited: tuple[Service, TestClient]) -> None:
    _, client = limited
    statuses = [_login(client, f"user{i}@example.org").status_code for i in range(4)]
    assert statuses == [401] * 4
    refused = _login(client, CLINICIAN_EMAIL, PASSWORD)
    assert_problem(refused, 429, "client")
    assert int(refused.headers["retry-after"]) == 3600  # no refill configured


@pytest.mark.parametrize(
    "limited", [{"login_account_burst": 2, "login_account_per_minute": 0}], indirect=True
)
def test_successful_logins_do_not_use_up_the_account(limited: tuple[Service, TestClient]) -> None:
    _, client = limited
    assert [_login(client, CLINICIAN_EMAIL, PASSWORD).status_code for _ in range(6)] == [200] * 6


@pytest.mark.parametrize("limited", [{"interview_ip_burst": 2, "interview_ip_per_minute": 0}], indirect=True)
def test_anonymous_interview_starts_are_limited(limited: tuple[Service, TestClient]) -> None:
    built, client = limited
    assert [client.post("/v1/interviews", json={}).status_code for _ in range(2)] == [201, 201]
    assert_problem(client.post("/v1/interviews", json={}), 429, "client")
    # forged credentials do not skip the limit into an anonymous interview...
    forged = client.post("/v1/interviews", json={}, headers={"Authorization": "Bearer forged.token"})
    assert forged.status_code == 429
    faked_key = client.post("/v1/interviews", json={}, headers={"X-API-Key": "nmk_fake"})
    assert faked_key.status_code == 401  # ...and a wrong API key is refused by the route
    # a signed-in clinician is not held up
    started = client.post("/v1/interviews", json={"mode": "clinician"}, headers=built.clinician)
    assert started.status_code == 201, started.text


# ------------------------------------------------------------------ time limit
# The two outcomes of the limit are tested as behaviour, never against the wall clock: the engine is held on
# an event, and the limit is run out by the test at the moment that matters (_HeldLimit), so a loaded machine
# cannot change the outcome. How fast a timed-out request is answered: benchmarks/request_timeout.py.


class _HeldLimit:
    """Holds every request's time limit open until :meth:`run_out`, which makes it run out at once.

    The limit middleware hands each request's waiter to its event loop's sweeper with a due time; here
    the due time is infinity until the test runs it out, then the sweeper (next tick) answers for the limit.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.held: list[tuple[Any, Any]] = []
        real_add = timeouts._Sweeper.add
        held = self.held

        def add(sweeper: Any, waiter: Any, due: float) -> None:
            held.append((sweeper, waiter))
            real_add(sweeper, waiter, math.inf)

        monkeypatch.setattr(timeouts._Sweeper, "add", add)

    def run_out(self) -> bool:
        """Runs out the limit of every request held so far; True once the sweeper has answered for each."""
        for sweeper, waiter in self.held:
            if waiter in sweeper.waiting:
                sweeper.waiting[waiter] = -math.inf
        # bounded wait for the sweeper's next tick (an event on another thread), not a timing assertion
        deadline = time.monotonic() + 10
        while not all(waiter.done() for _, waiter in self.held) and time.monotonic() < deadline:
            time.sleep(0.005)
        return bool(self.held) and all(waiter.done() for _, waiter in self.held)


def _held_assess(release: threading.Event, done: threading.Event) -> Any:
    """The engine, held until ``release`` (at most 30 s); ``done`` is set when it returns."""
    real = api_engine.assess  # type: ignore[attr-defined]

    def held(case: Case, *rest: Any) -> Assessment:
        try:
            release.wait(30)
            return real(case, *rest)
        finally:
            done.set()

    return held


@pytest.mark.parametrize("limited", [{"request_timeout_seconds": 0.3}], indirect=True)
def test_slow_engine_work_is_answered_503_and_nothing_is_stored(
    limited: tuple[Service, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    built, client = limited
    release, finished = threading.Event(), threading.Event()
    refused = threading.Event()

    class Refused(timeouts.RequestExpired):
        def __init__(self) -> None:
            super().__init__()
            refused.set()

    monkeypatch.setattr(f"{api_engine.__name__}.assess", _held_assess(release, finished))
    monkeypatch.setattr(timeouts, "RequestExpired", Refused)
    answer = client.post("/v1/assessments", json=example("l5-left-disc"), headers=built.clinician)
    # answered while the engine was still held: the limit ran out before any write
    assert not finished.is_set()
    body = assert_problem(answer, 503)
    assert body["type"] == "urn:nervemap:problem:timeout" and answer.headers["retry-after"]
    release.set()
    assert finished.wait(30)
    assert refused.wait(30)  # the abandoned handler tried to store its record, and was refused
    monkeypatch.undo()
    listing = client.get("/v1/assessments", headers=built.clinician)
    assert listing.status_code == 200 and listing.json()["total"] == 0


@pytest.mark.parametrize("limited", [{"request_timeout_seconds": 0.3}], indirect=True)
def test_a_request_that_started_writing_is_never_told_not_stored(
    limited: tuple[Service, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    built, client = limited
    limit = _HeldLimit(monkeypatch)
    ran_out: list[bool] = []
    real_claim = timeouts.claim_write

    def claim_then_run_out() -> None:
        real_claim()  # the write has begun...
        ran_out.append(limit.run_out())  # ...and only now does the time limit run out

    # both ways a write claims its request (a session flush, and the group commit's claims)
    monkeypatch.setattr(timeouts, "claim_write", claim_then_run_out)
    claims = WRITE_CLAIMS.index(real_claim) if real_claim in WRITE_CLAIMS else None
    if claims is not None:
        WRITE_CLAIMS[claims] = claim_then_run_out
    try:
        answer = client.post("/v1/assessments", json=example("l5-left-disc"), headers=built.clinician)
    finally:
        if claims is not None:
            WRITE_CLAIMS[claims] = real_claim
    assert ran_out and all(ran_out)  # the limit did run out while the request was writing
    assert answer.status_code == 201, answer.text
    monkeypatch.undo()
    fetched = client.get(f"/v1/assessments/{answer.json()['id']}", headers=built.clinician)
    assert fetched.status_code == 200
