"""Kill -9 mid-stream: every acknowledged assessment survives, nothing is half-written, and the
server's own output (uvicorn and the application logs) never contains patient text.

The real service (``nervemap serve``, SQLite file in WAL mode) runs in a subprocess. Four clients
stream POST /v1/assessments; after 25 acknowledgements (201) the process gets SIGKILL while
requests are in flight. A new process on the same database must then return every acknowledged
assessment byte-for-byte, and every stored row must be whole: its JSON parses into the models, and
its audit event was committed with it (same transaction).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import httpx

from nervemap.engine.assessment import Assessment
from nervemap.engine.case import Case
from tests.api.conftest import example
from tests.hardening.live import LiveServer, prepare_database

EMAIL = "durable@example.org"
PASSWORD = "durability test password"
ACKNOWLEDGED_BEFORE_KILL = 25
MAX_ATTEMPTS = 400  # bounded even if the kill came late
WRITERS = 4
PATIENT_NAME = "Zebedee Quillfeather"
PATIENT_PHRASE = "marmalade factory in Tobermory"
NOTE = (
    f"{PATIENT_NAME}, 52, works at the {PATIENT_PHRASE}. Low back pain radiating to the left "
    "lateral calf for 3 weeks. SLR positive on the left. EHL 4/5 on the left. No saddle anaesthesia."
)


def _login(client: httpx.Client) -> dict[str, str]:
    answer = client.post("/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _patient_traffic(client: httpx.Client, headers: dict[str, str]) -> None:
    """Requests that carry patient text: a note, an invalid case naming the patient, a bad login."""
    assert client.post("/v1/assessments", json={"text": NOTE}, headers=headers).status_code == 201
    assert client.post("/v1/extract", json={"text": NOTE}, headers=headers).status_code == 200
    bad = client.post("/v1/assessments", json={"id": PATIENT_NAME, "age": PATIENT_PHRASE}, headers=headers)
    assert bad.status_code == 422
    login = client.post("/v1/auth/login", json={"email": "zebedee@quillfeather.example", "password": NOTE})
    assert login.status_code == 401
    assert client.get(f"/v1/patient/{PATIENT_NAME}").status_code == 404


class Stream:
    """Writers posting assessments until the server dies; acknowledged bodies kept by id."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        self.base = base
        self.headers = headers
        self.lock = threading.Lock()
        self.acknowledged: dict[str, dict[str, Any]] = {}
        self.attempts = 0
        self.enough = threading.Event()
        self.cases = [example(name) for name in ("l5-left-disc", "cauda-equina", "fibular-neuropathy")]

    def _next(self) -> int | None:
        with self.lock:
            if self.attempts >= MAX_ATTEMPTS:
                return None
            self.attempts += 1
            return self.attempts

    def write(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while (n := self._next()) is not None:
                case = {**self.cases[n % len(self.cases)], "id": f"stream-{n}"}
                try:
                    answer = client.post("/v1/assessments", json=case, headers=self.headers)
                except httpx.TransportError:
                    return  # the server was killed
                assert answer.status_code == 201, answer.text
                with self.lock:
                    self.acknowledged[answer.json()["id"]] = answer.json()
                    if len(self.acknowledged) >= ACKNOWLEDGED_BEFORE_KILL:
                        self.enough.set()
        self.enough.set()


def _rows(database: Path) -> tuple[list[tuple[str, str, str]], int, str]:
    with sqlite3.connect(database) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        rows = connection.execute("SELECT id, input, output FROM assessments").fetchall()
        audited = connection.execute(
            "SELECT count(*) FROM audit_events WHERE action = 'assessment.create'"
        ).fetchone()[0]
    return rows, int(audited), str(integrity)


def test_acknowledged_assessments_survive_sigkill(tmp_path: Path) -> None:
    database = tmp_path / "nervemap.db"
    url = f"sqlite:///{database.as_posix()}"
    prepare_database(url, EMAIL, PASSWORD)
    log = tmp_path / "server.log"

    first = LiveServer(tmp_path, url, log)
    try:
        first.wait_ready()
        with httpx.Client(base_url=first.base, timeout=60) as client:
            headers = _login(client)
            _patient_traffic(client, headers)
        stream = Stream(first.base, headers)
        writers = [threading.Thread(target=stream.write) for _ in range(WRITERS)]
        for writer in writers:
            writer.start()
        assert stream.enough.wait(120)
        first.kill()  # SIGKILL with requests in flight
        for writer in writers:
            writer.join(60)
    finally:
        first.kill()
    acknowledged = dict(stream.acknowledged)
    assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL
    assert stream.attempts < MAX_ATTEMPTS  # the kill landed mid-stream

    second = LiveServer(tmp_path, url, log)
    try:
        second.wait_ready()
        with httpx.Client(base_url=second.base, timeout=60) as client:
            headers = _login(client)
            for identifier, body in acknowledged.items():
                fetched = client.get(f"/v1/assessments/{identifier}", headers=headers)
                assert fetched.status_code == 200, fetched.text
                assert fetched.json() == body
            listing = client.get("/v1/assessments", params={"limit": 1}, headers=headers).json()
    finally:
        second.stop()

    rows, audited, integrity = _rows(database)
    assert integrity == "ok"
    stored_ids = {row[0].replace("-", "") for row in rows}
    assert {i.replace("-", "") for i in acknowledged} <= stored_ids
    assert listing["total"] == len(rows) == audited  # each record committed with its audit event
    for _, stored_input, stored_output in rows:
        Assessment.model_validate(json.loads(stored_output))  # whole, not half-written
        document = json.loads(stored_input)
        if "text" not in document:
            Case.model_validate(document)

    output = second.output()
    assert "Uvicorn running" in output or "Application startup complete" in output
    assert "POST /v1/assessments 201" in output  # the access log is there...
    for secret in (PATIENT_NAME, "Zebedee", "Quillfeather", "marmalade", "Tobermory", "quillfeather"):
        assert secret not in output  # ...without patient text
