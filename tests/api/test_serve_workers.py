"""Issue 16: ``nervemap serve --workers N`` gives a busy worker time to answer uvicorn's health check
before it is replaced (uvicorn's default of 5 s replaced loaded workers mid-benchmark)."""

from __future__ import annotations

import socket
import time
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from uvicorn.supervisors import Multiprocess

from nervemap.api import cli
from nervemap.api.cli import WORKER_HEALTHCHECK_S, WorkerListener, app


def _serve_kwargs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def run(*_: Any, **kwargs: Any) -> None:
        seen.update(kwargs)

    monkeypatch.setattr(cli, "run_workers", run)
    monkeypatch.setenv("NERVEMAP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NERVEMAP_MIGRATE_ON_STARTUP", "false")
    monkeypatch.setenv("NERVEMAP_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("NERVEMAP_RATE_LIMIT_FILE", str(tmp_path / "limits.db"))
    result = CliRunner().invoke(app, ["serve", *args])
    assert result.exit_code == 0, result.output
    return seen


def test_workers_get_a_long_health_check_timeout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    kwargs = _serve_kwargs(monkeypatch, tmp_path, "--workers", "2")
    assert kwargs["workers"] == 2
    assert kwargs["timeout_worker_healthcheck"] == WORKER_HEALTHCHECK_S
    assert WORKER_HEALTHCHECK_S >= 30  # uvicorn's default 5 s replaced busy workers under load


def test_workers_listen_on_sockets_of_their_own_and_the_kernel_spreads_connections() -> None:
    """A worker gets the listener pickled (uvicorn spawns it); it unpickles as a new socket bound to
    the same address in one SO_REUSEPORT group, so connections are spread over the workers' sockets
    instead of going to whichever worker accepts first."""
    if not hasattr(socket, "SO_REUSEPORT"):
        pytest.skip("no SO_REUSEPORT on this system")
    supervisor = WorkerListener.bound("127.0.0.1", 0)
    address = supervisor.getsockname()
    workers = [ForkingPickler.loads(bytes(ForkingPickler.dumps(supervisor))) for _ in range(2)]
    clients: list[socket.socket] = []
    try:
        for worker in workers:
            assert worker is not supervisor and worker.fileno() != supervisor.fileno()
            assert worker.getsockname() == address
            assert worker.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
            worker.listen(64)
            worker.setblocking(False)
        for _ in range(40):  # the supervisor's socket never listens: every connection reaches a worker
            clients.append(socket.create_connection(address, timeout=5))
        accepted = [0, 0]
        deadline = time.monotonic() + 10
        while sum(accepted) < len(clients) and time.monotonic() < deadline:
            for number, worker in enumerate(workers):
                try:
                    connection, _ = worker.accept()
                except BlockingIOError:
                    continue
                connection.close()
                accepted[number] += 1
        assert sum(accepted) == 40
        assert min(accepted) >= 5  # by the hash of the client ports; all 40 on one would be 1 in 2^39
    finally:
        for open_socket in [*clients, *workers, supervisor]:
            open_socket.close()


def test_a_port_in_use_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        monkeypatch.setenv("NERVEMAP_DATA_DIR", str(tmp_path))
        monkeypatch.setenv("NERVEMAP_MIGRATE_ON_STARTUP", "false")
        monkeypatch.setenv("NERVEMAP_SECRET_KEY", "x" * 40)
        monkeypatch.setenv("NERVEMAP_RATE_LIMIT_FILE", str(tmp_path / "limits.db"))
        result = CliRunner().invoke(app, ["serve", "--workers", "2", "--port", str(port)])
    assert result.exit_code == 2
    assert "--port" in result.output and str(port) in result.output


def test_a_port_held_by_another_worker_group_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A second ``serve --workers`` on a port whose first instance's workers listen with SO_REUSEPORT
    must fail like any port in use, not join the first instance's group (H10's review of 987fbeb)."""
    with WorkerListener.bound("127.0.0.1", 0) as first:
        first.listen(8)
        port = first.getsockname()[1]
        with WorkerListener.bound("127.0.0.1", port) as joined:  # what the kernel would allow
            joined.listen(8)
        monkeypatch.setenv("NERVEMAP_DATA_DIR", str(tmp_path))
        monkeypatch.setenv("NERVEMAP_MIGRATE_ON_STARTUP", "false")
        monkeypatch.setenv("NERVEMAP_SECRET_KEY", "x" * 40)
        monkeypatch.setenv("NERVEMAP_RATE_LIMIT_FILE", str(tmp_path / "limits.db"))
        # were the port not refused, the supervisor would start serving: stop it instead of hanging
        monkeypatch.setattr(Multiprocess, "run", lambda self: (_ for _ in ()).throw(SystemExit(99)))
        result = CliRunner().invoke(app, ["serve", "--workers", "2", "--port", str(port)])
    assert result.exit_code == 2
    assert "--port" in result.output and str(port) in result.output


def test_the_port_check_refuses_a_group_and_allows_a_free_port() -> None:
    with WorkerListener.bound("127.0.0.1", 0) as first:
        first.listen(8)
        port = first.getsockname()[1]
        with pytest.raises(OSError):
            WorkerListener.refuse_if_taken("127.0.0.1", port)
    WorkerListener.refuse_if_taken("127.0.0.1", port)  # closed: free again
