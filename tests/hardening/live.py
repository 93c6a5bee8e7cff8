"""The real service in a subprocess (``nervemap serve``) on 127.0.0.1, its stderr kept for reading."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from nervemap.store.db import make_engine, make_sessionmaker
from nervemap.store.migrate import upgrade_database
from nervemap.store.models import Role
from nervemap.store.passwords import hash_password
from nervemap.store.users import UserRepository

SERVE = [sys.executable, "-c", "from nervemap.cli import main; main()", "serve"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def prepare_database(url: str, email: str, password: str) -> None:
    upgrade_database(url)
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            UserRepository(session).add(email, Role.CLINICIAN, hash_password(password))
            session.commit()
    finally:
        engine.dispose()


class LiveServer:
    """``nervemap serve`` as a child process; ``kill()`` is SIGKILL: no shutdown code runs."""

    def __init__(self, data_dir: Path, url: str, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {
            **os.environ,
            "NERVEMAP_DATABASE_URL": url,
            "NERVEMAP_DATA_DIR": str(data_dir),
            "NERVEMAP_SECRET_KEY": "live-test-secret-key",
        }
        with log.open("ab") as sink:
            self.process = subprocess.Popen(
                [*SERVE, "--host", "127.0.0.1", "--port", str(self.port)],
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout_s: float = 90) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{self.base}/ready", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not become ready")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")
