"""Bounded load on the HTTP API: create assessments from structured findings over real HTTP.

    .venv/bin/python benchmarks/api_load.py [--database-url URL] [--requests 2000] [--concurrency 100]

Starts uvicorn (one process) on 127.0.0.1 and a free port in a subprocess, creates a clinician,
logs in, then sends POST /v1/assessments with httpx.AsyncClient, at most --concurrency in flight.
Prints requests/s and p50/p99 latency. The default database is a fresh SQLite file.
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
from pathlib import Path
from typing import Any

import httpx

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "nervemap" / "examples"
EMAIL = "load@example.org"
PASSWORD = "load-test-password"


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
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "nervemap.api.app:create_app",
        "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env)


def wait_ready(base: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not become ready")


def cases() -> list[dict[str, Any]]:
    loaded = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))]
    loaded.append(
        {"age": 52, "findings": [{"id": "back_pain"}, {"id": "radiating_leg_pain", "side": "right"}]}
    )
    return loaded


async def run_load(base: str, total: int, concurrency: int) -> tuple[list[float], dict[int, int], float]:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        login = await client.post("/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        payloads = cases()
        # warm-up: the engine compiles the knowledge base on its first case
        (await client.post("/v1/assessments", json=payloads[0], headers=headers)).raise_for_status()
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(total):
            queue.put_nowait(i)

        async def worker() -> None:
            while True:
                try:
                    i = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                response = await client.post(
                    "/v1/assessments", json=payloads[i % len(payloads)], headers=headers
                )
                latencies.append(time.perf_counter() - started)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        client_limits = max(concurrency, 1)
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(client_limits)))
        return latencies, statuses, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nervemap-load-") as data_dir:
        url = args.database_url or f"sqlite:///{Path(data_dir, 'load.db').as_posix()}"
        prepare_database(url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(url, data_dir, port)
        try:
            wait_ready(base)
            latencies, statuses, elapsed = asyncio.run(run_load(base, args.requests, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=30)
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    backend = url.split(":", 1)[0]
    print(f"backend      {backend}")
    print(f"requests     {len(latencies)} at concurrency {args.concurrency}; statuses {statuses}")
    print(f"throughput   {len(latencies) / elapsed:.1f} requests/s ({elapsed:.1f} s)")
    print(f"latency      p50 {statistics.median(ordered) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
