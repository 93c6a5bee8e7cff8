"""Rate limits shared by the worker processes of one host (issue 16, ``serve --workers N``)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from nervemap.api.ratelimit import Limits, Rate, RateLimit, SharedTokenBuckets


def test_two_processes_share_one_bucket_per_key(tmp_path: Path) -> None:
    now = [0.0]
    file = tmp_path / "ratelimits.db"
    first = SharedTokenBuckets(file, "login_ip", Rate(burst=2, per_minute=6), 100, lambda: now[0])
    second = SharedTokenBuckets(file, "login_ip", Rate(burst=2, per_minute=6), 100, lambda: now[0])
    assert first.take("10.0.0.1") == 0 and second.take("10.0.0.1") == 0
    assert first.take("10.0.0.1") == 10.0  # the burst of 2 is spent, whichever worker took it
    assert second.take("10.0.0.2") == 0  # another key, its own bucket
    second.give_back("10.0.0.1")
    assert first.take("10.0.0.1") == 0
    now[0] += 10  # one token back at 6 a minute
    assert second.take("10.0.0.1") == 0 and first.take("10.0.0.1") > 0
    other_kind = SharedTokenBuckets(file, "interview_ip", Rate(burst=1, per_minute=1), 100, lambda: now[0])
    assert other_kind.take("10.0.0.1") == 0 and len(first) == 2 and len(other_kind) == 1


def test_the_least_recently_used_keys_are_dropped_beyond_max_keys(tmp_path: Path) -> None:
    now = [0.0]
    buckets = SharedTokenBuckets(tmp_path / "r.db", "k", Rate(burst=1, per_minute=1), 100, lambda: now[0])
    for i in range(150):
        now[0] += 1
        buckets.take(f"client-{i}")
    assert len(buckets) == 100
    assert buckets.take("client-149") > 0  # recent: kept, still empty
    assert buckets.take("client-0") == 0  # dropped: starts full again


async def _ok(scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse("started")(scope, receive, send)


def test_workers_sharing_the_file_enforce_one_limit_together(tmp_path: Path) -> None:
    limits = Limits(
        login_ip=Rate(5, 1),
        login_account=Rate(5, 1),
        interview_ip=Rate(burst=3, per_minute=0.001),
        shared_file=tmp_path / "ratelimits.db",
    )
    workers = [TestClient(RateLimit(_ok, limits)), TestClient(RateLimit(_ok, limits))]
    statuses = [workers[i % 2].post("/v1/interviews").status_code for i in range(6)]
    assert statuses == [200, 200, 200, 429, 429, 429]
    refused = workers[0].post("/v1/interviews")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
