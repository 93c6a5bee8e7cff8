"""Sustained load on the real service: requests/s and p50/p99 at 10, 100 and 500 concurrent clients.

    .venv/bin/python benchmarks/service_load.py [--requests 1000] [--clients 10 100 500]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:54329/app]

Starts ``nervemap serve`` (one uvicorn process) on 127.0.0.1 and a free port, creates a clinician,
logs in, then at each concurrency level sends ``--requests`` POST /v1/assessments built from
structured findings with httpx.AsyncClient (connection pool sized to the level). Loopback only;
counts are bounded. Runs on a fresh SQLite file, and on PostgreSQL too when ``--postgres-url`` or
NERVEMAP_TEST_DATABASE_URL gives a URL (``scripts/with_postgres.sh`` starts a throwaway server).

Prints one row per backend and level: throughput, p50/p99 latency, and every non-201 answer or
transport error. "0 errors" is claimed only for a level that completed all its requests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "nervemap" / "examples"
EMAIL = "load@example.org"
PASSWORD = "service-load-password"
SERVE = [sys.executable, "-c", "from nervemap.cli import main; main()", "serve"]


@dataclass
class Level:
    backend: str
    clients: int
    requested: int
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def completed(self) -> int:
        return len(self.latencies)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def row(self) -> str:
        ordered = sorted(self.latencies) or [float("nan")]
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        rate = self.completed / self.elapsed if self.elapsed else 0.0
        failed = sum(self.errors.values())
        if failed == 0 and self.completed == self.requested:
            verdict = "0 errors"
        else:
            verdict = f"{failed} errors " + json.dumps(self.errors)
        return (
            f"{self.backend:<10} {self.clients:>7} {self.completed:>5}/{self.requested:<5} "
            f"{rate:>8.1f} {statistics.median(ordered) * 1000:>8.0f} {p99 * 1000:>8.0f}  {verdict}"
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def prepare_database(url: str) -> None:
    from nervemap.store.db import make_engine, make_sessionmaker
    from nervemap.store.migrate import upgrade_database
    from nervemap.store.models import Role
    from nervemap.store.passwords import hash_password
    from nervemap.store.users import UserRepository

    upgrade_database(url)
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            users = UserRepository(session)
            if not users.exists(EMAIL):
                users.add(EMAIL, Role.CLINICIAN, hash_password(PASSWORD))
                session.commit()
    finally:
        engine.dispose()


def start_server(url: str, data_dir: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NERVEMAP_DATABASE_URL": url, "NERVEMAP_DATA_DIR": data_dir}
    command = [*SERVE, "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(base: str, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not become ready")


def payloads() -> list[dict[str, Any]]:
    cases = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))]
    cases.append(
        {"age": 52, "findings": [{"id": "back_pain"}, {"id": "radiating_leg_pain", "side": "right"}]}
    )
    return cases


async def run_level(base: str, token: str, level: Level) -> None:
    limits = httpx.Limits(max_connections=level.clients, max_keepalive_connections=level.clients)
    headers = {"Authorization": f"Bearer {token}"}
    cases = payloads()
    remaining = iter(range(level.requested))
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120, headers=headers) as client:

        async def worker() -> None:
            for i in remaining:
                started = time.perf_counter()
                try:
                    answer = await client.post("/v1/assessments", json=cases[i % len(cases)])
                except httpx.HTTPError as error:
                    level.error(type(error).__name__)
                    continue
                if answer.status_code == 201:
                    level.latencies.append(time.perf_counter() - started)
                else:
                    level.error(f"HTTP {answer.status_code}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(level.clients)))
        level.elapsed = time.perf_counter() - started


def bench_backend(name: str, url: str, data_dir: str, clients: list[int], requests: int) -> list[Level]:
    prepare_database(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(url, data_dir, port)
    levels: list[Level] = []
    try:
        wait_ready(base)
        login = httpx.post(f"{base}/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}, timeout=60)
        login.raise_for_status()
        token = login.json()["access_token"]
        warm = httpx.post(  # the engine compiles the knowledge base on its first case
            f"{base}/v1/assessments",
            json=payloads()[0],
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        warm.raise_for_status()
        for count in clients:
            level = Level(name, count, max(requests, count))
            asyncio.run(run_level(base, token, level))
            levels.append(level)
            print(level.row(), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return levels


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=1000, help="per level (at least one per client)")
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 100, 500])
    parser.add_argument("--postgres-url", default=os.environ.get("NERVEMAP_TEST_DATABASE_URL"))
    args = parser.parse_args()
    print(f"{'backend':<10} {'clients':>7} {'done':>11} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  errors")
    with tempfile.TemporaryDirectory(prefix="nervemap-service-load-") as data_dir:
        sqlite_url = f"sqlite:///{Path(data_dir, 'load.db').as_posix()}"
        bench_backend("sqlite", sqlite_url, data_dir, args.clients, args.requests)
        if args.postgres_url:
            bench_backend("postgresql", args.postgres_url, data_dir, args.clients, args.requests)


if __name__ == "__main__":
    main()
