"""Sustained load on the real service: POST /v1/assessments at 1 and 100 clients, and the framework's ceiling.

    .venv/bin/python benchmarks/service_load.py [--workers 2] [--clients 1 100] [--seconds 10]
        [--requests 1000] [--health-seconds 5] [--no-health | --no-post] [--sqlite-synchronous normal|full]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:54329/app]

Starts ``nervemap serve [--workers N]`` on 127.0.0.1 and a free port, creates a clinician, logs
in, then at each concurrency level sends POST /v1/assessments built from structured findings (the
bundled examples and one short case, in turn): with ``wrk -t1`` for ``--seconds`` when wrk is
installed (a Lua script sends the cases with the bearer token; ``--timeout 30s``, so slow answers
count instead of being dropped), else ``--requests`` with httpx.AsyncClient (in this process: on a
small machine the client then takes CPU from the server). Runs on a fresh SQLite file, and on
PostgreSQL too when ``--postgres-url`` or NERVEMAP_TEST_DATABASE_URL gives a URL
(``scripts/with_postgres.sh`` starts a throwaway server). Loopback only; counts are bounded.

Prints one row per backend and level: throughput, p50/p99 latency, the server's CPU time per
request (user + system of the server processes, from /proc: on a shared, loaded machine it is
steadier than requests/s), every non-201 answer or transport error, and (with wrk) how the
connections were split over the ``--workers`` processes half-way through (``ss``), and how many of
the cores the server, wrk and every other process on the machine used during the level (/proc/stat;
with the throughput the server's CPU per request would allow on free cores). "0 errors" is claimed only
for a level with no failed request. Then the issue 16 floors (1 client p50 <= 4 ms; 100 clients
>= 400 req/s and p99 <= 250 ms, on SQLite) against the figures measured.

Then the framework's ceiling: ``GET /health`` at the same concurrency levels on nervemap and on a
bare Starlette app (``benchmarks/bare_starlette.py``, one route, no middleware) served by the same
uvicorn with the same number of workers, back to back, with ``wrk -t1`` when it is installed
(else the httpx client, which then limits both); the ratio rows give nervemap against the bare app.
The load average is printed before and after: on a busy machine every figure is depressed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
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
BENCHMARKS = Path(__file__).resolve().parent


@dataclass
class Level:
    backend: str
    clients: int
    requested: int
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    cpu_s: float = float("nan")
    done: int | None = None  # requests answered 201, when counted by wrk (latencies then hold p50, p99)
    p50_s: float | None = None
    p99_s: float | None = None
    split: list[int] = field(default_factory=list)  # established connections per server process, mid-run
    load_cpu_s: float = float("nan")  # CPU time of the load generator (wrk) itself during the level
    served: dict[str, list[float]] = field(default_factory=dict)  # worker pid -> server-side ms (access log)
    machine_busy_s: float = float("nan")  # CPU time of every process on the machine during the level
    window_s: float = float("nan")  # wall time over which cpu_s, load_cpu_s and machine_busy_s were read

    @property
    def completed(self) -> int:
        return self.done if self.done is not None else len(self.latencies)

    @property
    def rate(self) -> float:
        return self.completed / self.elapsed if self.elapsed else 0.0

    def percentile(self, which: float) -> float:
        if which == 0.5 and self.p50_s is not None:
            return self.p50_s
        if which == 0.99 and self.p99_s is not None:
            return self.p99_s
        ordered = sorted(self.latencies) or [float("nan")]
        if which == 0.5:
            return statistics.median(ordered)
        return ordered[min(len(ordered) - 1, int(len(ordered) * which))]

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def row(self) -> str:
        failed = sum(self.errors.values())
        if failed == 0 and (self.done is not None or self.completed == self.requested):
            verdict = "0 errors"
        else:
            verdict = f"{failed} errors " + json.dumps(self.errors)
        cpu_us = self.cpu_s / self.completed * 1e3 if self.completed else float("nan")
        asked = f"{self.completed:>5}/{self.requested:<5}" if self.done is None else f"{self.completed:>11}"
        split = f"  connections per worker {'/'.join(map(str, self.split))}" if len(self.split) > 1 else ""
        load = self.load_cpu_s / self.completed * 1e3 if self.completed else float("nan")
        row = (
            f"{self.backend:<10} {self.clients:>7} {asked} {self.rate:>8.1f} "
            f"{self.percentile(0.5) * 1000:>8.1f} {self.percentile(0.99) * 1000:>8.0f} "
            f"{cpu_us:>8.2f}  {verdict}{split}"
        )
        if self.load_cpu_s == self.load_cpu_s:  # measured (not NaN)
            row += f"\n{'':<10} load generator (wrk) CPU {load:.2f} ms/req"
        if self.machine_busy_s == self.machine_busy_s and self.window_s > 0:
            cores = os.cpu_count() or 1
            server, wrk = self.cpu_s / self.window_s, self.load_cpu_s / self.window_s
            others = max(0.0, self.machine_busy_s / self.window_s - server - wrk)
            ceiling = cores / (self.cpu_s / self.completed) if self.completed and self.cpu_s else float("nan")
            row += (
                f"\n{'':<10} cores busy: server {server:.2f}, wrk {wrk:.2f}, other processes {others:.2f} of"
                f" {cores}; at {cpu_us:.2f} ms of CPU a request, {cores} free cores would allow"
                f" {ceiling:.0f} req/s"
            )
        for pid, times in sorted(self.served.items(), key=lambda item: -len(item[1])):
            ordered = sorted(times)
            p50, p99 = statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
            row += (
                f"\n{'':<10} worker {pid}: {len(times)} requests, in the app p50 {p50:.1f} ms,"
                f" p99 {p99:.0f} ms (from its access log)"
            )
        return row


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


SQLITE_SYNCHRONOUS = {"value": "normal"}  # --sqlite-synchronous, handed to every server started


def start_server(url: str, data_dir: str, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NERVEMAP_DATABASE_URL": url, "NERVEMAP_DATA_DIR": data_dir}
    env["NERVEMAP_SQLITE_SYNCHRONOUS"] = SQLITE_SYNCHRONOUS["value"]
    command = [*SERVE, "--host", "127.0.0.1", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    # the server's log, read for worker restarts (see restarts)
    with Path(data_dir, f"server-{port}.log").open("wb") as log:
        return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)


def restarts(data_dir: str, port: int) -> int:
    """How many times uvicorn's supervisor replaced a worker that did not answer its health check in
    5 s (its log says "Child process [pid] died"): a replaced worker rebuilds the app, its CPU time
    leaves the server's count (the CPU per request then reads low) and requests queue meanwhile."""
    log = Path(data_dir, f"server-{port}.log")
    return log.read_text(errors="replace").count(" died") if log.exists() else 0


def start_bare(port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", "--app-dir", str(BENCHMARKS), "bare_starlette:app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning"]
    if workers > 1:
        command += ["--workers", str(workers)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server (uvicorn stops its workers), kill it if it does not stop in 30 s."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def wait_ready(base: str, timeout_s: float = 300, path: str = "/ready") -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}{path}", timeout=2).status_code == 200:
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


WRK_POST = """
local bodies = {}
for line in io.lines(os.getenv("NERVEMAP_LOAD_BODIES")) do bodies[#bodies + 1] = line end
local token = os.getenv("NERVEMAP_LOAD_TOKEN")
local counter = 0
request = function()
  counter = counter + 1
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
  return wrk.format("POST", "/v1/assessments", headers, bodies[(counter % #bodies) + 1])
end
"""


def connection_split(port: int) -> list[int]:
    """Established connections to ``port`` per server process (``ss``; empty when it is missing): with
    keep-alive a client's connection stays on the worker that accepted it, so an uneven split lasts
    the whole run and the busier worker's clients wait longer."""
    if not shutil.which("ss"):
        return []
    listing = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"], capture_output=True, text=True
    ).stdout
    counts: dict[str, int] = {}
    for pid in re.findall(r"pid=(\d+)", listing):
        counts[pid] = counts.get(pid, 0) + 1
    return sorted(counts.values(), reverse=True)


ACCESS_LINE = re.compile(r"nervemap\.access \[(\d+)\] POST /v1/assessments 201 ([\d.]+)ms")


def served_times(log: Path, start: int) -> dict[str, list[float]]:
    """Per worker process, the milliseconds each POST /v1/assessments answered 201 spent inside the
    app (nervemap's access log, written from byte ``start`` of the server's log on; ``serve
    --workers`` names the process in each line). Against wrk's latency it tells the time a request
    spent outside the app: in the accept queue, the socket buffers and the event loop's turns."""
    times: dict[str, list[float]] = {}
    with log.open("rb") as lines:
        lines.seek(start)
        for line in lines.read().decode(errors="replace").splitlines():
            found = ACCESS_LINE.search(line)
            if found:
                times.setdefault(found.group(1), []).append(float(found.group(2)))
    return times


def wrk_post(base: str, token: str, pid: int, level: Level, seconds: float, log: Path | None = None) -> None:
    """One level with ``wrk -t1``: counts, p50/p99 from its latency distribution, the server's CPU,
    wrk's own CPU (it runs on the same cores as the server), how the connections are split over the
    workers half-way through, and each worker's count and time in the app from the server's log."""
    with tempfile.TemporaryDirectory(prefix="nervemap-wrk-") as folder:
        script, bodies = Path(folder, "post.lua"), Path(folder, "bodies.jsonl")
        script.write_text(WRK_POST, encoding="utf-8")
        bodies.write_text("\n".join(json.dumps(case) for case in payloads()) + "\n", encoding="utf-8")
        env = {**os.environ, "NERVEMAP_LOAD_BODIES": str(bodies), "NERVEMAP_LOAD_TOKEN": token}
        command = ["wrk", "-t1", f"-c{level.clients}", f"-d{seconds:g}s", "--timeout", "30s", "--latency"]
        before = cpu_seconds(pid)
        busy_before = machine_busy_seconds()
        window_start = time.perf_counter()
        load_before = os.times()
        log_start = log.stat().st_size if log is not None else 0
        load = subprocess.Popen(
            [*command, "-s", str(script), base], stdout=subprocess.PIPE, text=True, env=env
        )
        time.sleep(seconds / 2)
        level.split = connection_split(int(base.rsplit(":", 1)[1]))
        out, _ = load.communicate()
        level.cpu_s = cpu_seconds(pid) - before
        level.machine_busy_s = machine_busy_seconds() - busy_before
        level.window_s = time.perf_counter() - window_start
        load_after = os.times()  # wrk is the only child reaped meanwhile (the servers run on)
        level.load_cpu_s = (load_after.children_user - load_before.children_user) + (
            load_after.children_system - load_before.children_system
        )
        if log is not None:
            time.sleep(0.2)  # the last access lines reach the file
            level.served = served_times(log, log_start)
        if load.returncode:
            raise subprocess.CalledProcessError(load.returncode, command, out)
    done = re.search(r"(\d+) requests in ([\d.]+)(ms|s)", out)
    assert done is not None, out
    level.elapsed = float(done.group(2)) / (1000 if done.group(3) == "ms" else 1)
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if failed:
        level.errors["non-2xx"] = int(failed.group(1))
    if socket_errors:
        for kind, count in zip(("connect", "read", "write", "timeout"), socket_errors.groups(), strict=True):
            if int(count):
                level.errors[kind] = int(count)
    level.done = int(done.group(1)) - level.errors.get("non-2xx", 0)
    level.requested = int(done.group(1))
    p50, p99 = _percentile(out, 50), _percentile(out, 99)
    level.p50_s = _ms(p50.group(1)) / 1000 if p50 else float("nan")
    level.p99_s = _ms(p99.group(1)) / 1000 if p99 else float("nan")


def bench_backend(
    name: str,
    url: str,
    data_dir: str,
    clients: list[int],
    requests: int,
    workers: int = 1,
    seconds: float = 10,
) -> list[Level]:
    prepare_database(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(url, data_dir, port, workers)
    levels: list[Level] = []
    try:
        wait_ready(base)
        login = httpx.post(f"{base}/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}, timeout=60)
        login.raise_for_status()
        token = login.json()["access_token"]
        warm = httpx.post(  # the engine builds its lazy tables on its first case
            f"{base}/v1/assessments",
            json=payloads()[0],
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        warm.raise_for_status()
        if shutil.which("wrk"):  # every worker's first cases too, over several connections (not counted)
            wrk_post(base, token, server.pid, Level(name, 4 * workers, 0), 3)
        for count in clients:
            level = Level(name, count, max(requests, count))
            if shutil.which("wrk"):
                wrk_post(base, token, server.pid, level, seconds, Path(data_dir, f"server-{port}.log"))
            else:
                before = cpu_seconds(server.pid)
                asyncio.run(run_level(base, token, level))
                level.cpu_s = cpu_seconds(server.pid) - before
            levels.append(level)
            print(level.row(), flush=True)
    finally:
        stop(server)
    if replaced := restarts(data_dir, port):
        print(f"{name:<10} uvicorn replaced a worker {replaced} time(s) (no health-check answer in 5 s)")
    return levels


def machine_busy_seconds() -> float:
    """CPU time every process on the machine has used since boot (user, nice, system, irq, softirq,
    steal; /proc/stat): read before and after a level, it tells how much of the cores other work
    took from the server (NaN where /proc/stat is missing)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (uvicorn's workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


@dataclass
class HealthRow:
    server: str
    clients: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    cpu_s: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_us(self) -> float:
        return self.cpu_s / self.requests * 1e6 if self.requests else float("nan")

    def row(self) -> str:
        return (
            f"{self.server:<16} {self.clients:>7} {self.requests:>8} {self.rate:>8.0f} "
            f"{self.p50_ms:>7.1f} {self.p99_ms:>7.1f} {self.cpu_us:>9.0f}  {self.errors} errors"
        )


def _percentile(out: str, percent: int) -> re.Match[str] | None:
    """wrk's "Latency Distribution" line for ``percent`` (at the start of a line: the Thread Stats
    lines end in a "+/- Stdev" share such as "75.50%", which an unanchored "50%" matched)."""
    return re.search(rf"^\s*{percent}%\s+(\S+)", out, re.MULTILINE)


def _ms(value: str) -> float:
    """A wrk duration ("812.00us", "1.20ms", "2.01s", "1.00m", "1.5h") in milliseconds; NaN if unread."""
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value.strip())
    if found is None:
        return float("nan")
    number, unit = found.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}[unit]


def wrk_health(server: str, base: str, pid: int, clients: int, seconds: float) -> HealthRow:
    before = cpu_seconds(pid)
    command = ["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--latency", f"{base}/health"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(pid) - before
    done = re.search(r"(\d+) requests in ([\d.]+)(ms|s)", out)
    assert done is not None, out
    elapsed = float(done.group(2)) / (1000 if done.group(3) == "ms" else 1)
    p50, p99 = _percentile(out, 50), _percentile(out, 99)
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(failed.group(1)) if failed else 0
    errors += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return HealthRow(
        server,
        clients,
        int(done.group(1)),
        elapsed,
        _ms(p50.group(1)) if p50 else float("nan"),
        _ms(p99.group(1)) if p99 else float("nan"),
        cpu,
        errors,
    )


async def _httpx_health(base: str, clients: int, requests: int) -> tuple[list[float], int, float]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    latencies: list[float] = []
    errors = 0
    remaining = iter(range(requests))
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def worker() -> None:
            nonlocal errors
            for _ in remaining:
                started = time.perf_counter()
                try:
                    answer = await client.get("/health")
                except httpx.HTTPError:
                    errors += 1
                    continue
                if answer.status_code == 200:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return latencies, errors, time.perf_counter() - started


def httpx_health(server: str, base: str, pid: int, clients: int, requests: int) -> HealthRow:
    before = cpu_seconds(pid)
    latencies, errors, elapsed = asyncio.run(_httpx_health(base, clients, max(requests, clients)))
    ordered = sorted(latencies) or [float("nan")]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    cpu = cpu_seconds(pid) - before
    return HealthRow(
        server, clients, len(latencies), elapsed, statistics.median(ordered) * 1000, p99 * 1000, cpu, errors
    )


def bench_health(
    url: str, data_dir: str, clients: list[int], workers: int, seconds: float, requests: int
) -> None:
    """``GET /health`` on nervemap and on the bare Starlette app, level by level, back to back."""
    tool = "wrk -t1" if shutil.which("wrk") else "httpx (client-bound: install wrk for the ceiling)"
    print(f"\n/health, {workers} worker(s), load generator: {tool}")
    header = f"{'server':<16} {'clients':>7} {'requests':>8} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}"
    print(f"{header} {'CPU us/req':>9}")
    ours_port, bare_port = free_port(), free_port()
    ours = start_server(url, data_dir, ours_port, workers)
    bare = start_bare(bare_port, workers)
    try:
        wait_ready(f"http://127.0.0.1:{ours_port}")
        wait_ready(f"http://127.0.0.1:{bare_port}", path="/health")
        for count in clients:
            rows: dict[str, HealthRow] = {}
            for name, port, process in (("bare-starlette", bare_port, bare), ("nervemap", ours_port, ours)):
                base = f"http://127.0.0.1:{port}"
                if shutil.which("wrk"):
                    wrk_health(name, base, process.pid, count, 1)  # warm-up
                    rows[name] = wrk_health(name, base, process.pid, count, seconds)
                else:
                    rows[name] = httpx_health(name, base, process.pid, count, requests)
                print(rows[name].row(), flush=True)
            ceiling, mine = rows["bare-starlette"], rows["nervemap"]
            print(
                f"{'ratio':<16} {count:>7}  nervemap has {mine.rate / ceiling.rate:.2f}x the bare app's "
                f"throughput, {mine.cpu_us / ceiling.cpu_us:.2f}x its CPU per request",
                flush=True,
            )
    finally:
        for process in (ours, bare):
            stop(process)


def print_floors(levels: list[Level], workers: int) -> None:
    """The issue 16 floors for SQLite against the figures just measured."""
    by_clients = {level.clients: level for level in levels}
    print(f"\nissue 16 floors (SQLite, --workers {workers}; the floors are set for --workers 2):")
    if 1 in by_clients:
        p50 = by_clients[1].percentile(0.5) * 1000
        print(f"  1 client p50      {p50:8.1f} ms   floor <= 4 ms     {'met' if p50 <= 4 else 'NOT met'}")
    if 100 in by_clients:
        level = by_clients[100]
        rate, p99 = level.rate, level.percentile(0.99) * 1000
        print(f"  100 clients       {rate:8.1f} req/s floor >= 400     {'met' if rate >= 400 else 'NOT met'}")
        print(f"  100 clients p99   {p99:8.0f} ms   floor <= 250 ms   {'met' if p99 <= 250 else 'NOT met'}")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--requests", type=int, default=1000, help="per level without wrk (at least one per client)"
    )
    parser.add_argument("--seconds", type=float, default=10, help="per POST level with wrk")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--postgres-url", default=os.environ.get("NERVEMAP_TEST_DATABASE_URL"))
    parser.add_argument("--workers", type=int, default=1, help="nervemap serve --workers N")
    parser.add_argument("--health-seconds", type=float, default=5, help="per /health level (wrk)")
    parser.add_argument("--no-health", action="store_true", help="skip the /health ceiling")
    parser.add_argument("--no-post", action="store_true", help="only the /health ceiling")
    parser.add_argument(
        "--sqlite-synchronous",
        choices=("normal", "full"),
        default="normal",
        help="NERVEMAP_SQLITE_SYNCHRONOUS for the servers (the server's own default is full)",
    )
    args = parser.parse_args()
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    print(load_average())
    SQLITE_SYNCHRONOUS["value"] = args.sqlite_synchronous
    print(f"NERVEMAP_SQLITE_SYNCHRONOUS={args.sqlite_synchronous} (the server's default is full)")
    tool = "wrk -t1 --timeout 30s" if shutil.which("wrk") else "httpx in this process (install wrk)"
    print(f"POST /v1/assessments, {args.workers} worker(s), load generator: {tool}")
    print(
        f"{'backend':<10} {'clients':>7} {'done':>11} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'CPU ms':>8}  errors"
    )
    with tempfile.TemporaryDirectory(prefix="nervemap-service-load-") as data_dir:
        sqlite_url = f"sqlite:///{Path(data_dir, 'load.db').as_posix()}"
        run = (args.clients, args.requests, args.workers, args.seconds)
        if not args.no_post:
            sqlite = bench_backend("sqlite", sqlite_url, data_dir, *run)
            if args.postgres_url:
                bench_backend("postgresql", args.postgres_url, data_dir, *run)
            print_floors(sqlite, args.workers)
        else:
            prepare_database(sqlite_url)
        if not args.no_health:
            bench_health(sqlite_url, data_dir, args.clients, args.workers, args.health_seconds, args.requests)
    print(load_average())


if __name__ == "__main__":
    main()
