"""Web fixtures: the API test app (per-test transaction) for TestClient page tests, and a real
uvicorn server on 127.0.0.1 and a free port (temporary SQLite database) for browser tests."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from nervemap.app import create_app
from nervemap.settings import Settings
from nervemap.store.db import make_engine, make_sessionmaker
from nervemap.store.migrate import upgrade_database
from nervemap.store.models import Role
from nervemap.store.users import UserRepository
from tests.api.conftest import PASSWORD, app, client, clinician, make_app, password_hash, settings
from tests.store.backends import backend, connection, engine, session

__all__ = [
    "app",
    "backend",
    "client",
    "clinician",
    "connection",
    "engine",
    "make_app",
    "password_hash",
    "session",
    "settings",
]

CHROMIUM = Path("/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Screenshots the browser tests write (look at them); NERVEMAP_SCREENSHOTS moves them elsewhere.
SCREENSHOTS = Path(
    os.environ.get("NERVEMAP_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "reports" / "screenshots"
)
CLINICIAN_EMAIL = "web.clinician@example.org"


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def sign_in(client: TestClient, email: str = "clinician@example.org") -> None:
    page = client.get("/clinic/login")
    response = client.post(
        "/clinic/login",
        data={"csrf": csrf_of(page.text), "email": email, "password": PASSWORD, "next": "/clinic"},
    )
    assert response.status_code == 200 and response.url.path == "/clinic", response.text[:500]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded browser; skip when it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian chromium at {CHROMIUM} (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class LiveServer:
    url: str
    database_url: str


@pytest.fixture
def live_server(tmp_path: Path, password_hash: str) -> Iterator[LiveServer]:
    """The whole app under uvicorn on 127.0.0.1 and a free port, with a clinician account."""
    settings = Settings(data_dir=tmp_path, secret_key="browser-test-secret-key", migrate_on_startup=True)
    url = settings.sqlalchemy_url()
    upgrade_database(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as db:
        UserRepository(db).add(CLINICIAN_EMAIL, Role.CLINICIAN, password_hash)
        db.commit()
    engine.dispose()
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", url)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def l5_assessment() -> Any:
    import json

    from nervemap.engine.assess import assess
    from nervemap.engine.case import Case
    from tests.api.conftest import EXAMPLES

    return assess(Case.model_validate(json.loads((EXAMPLES / "l5-left-disc.json").read_text())))
