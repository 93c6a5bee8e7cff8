"""CLI for revocable accounts (issue 18 item 3): user list/deactivate/reactivate/reset-password/passwd/
end-sessions, apikey list, and the key id printed at creation (on stderr: stdout stays the key)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from nervemap.api.cli import app
from nervemap.store.audit import AuditFilter, AuditLog
from nervemap.store.db import make_engine
from nervemap.store.models import ApiKey, User
from nervemap.store.passwords import verify_password
from nervemap.store.users import UserRepository

runner = CliRunner()
EMAIL = "ops@example.org"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{(tmp_path / 'cli.db').as_posix()}"
    monkeypatch.setenv("NERVEMAP_DATABASE_URL", url)
    monkeypatch.setenv("NERVEMAP_DATA_DIR", str(tmp_path))
    added = runner.invoke(app, ["user", "add", EMAIL, "--password", "first long password"])
    assert added.exit_code == 0, added.output
    return url


def _user(url: str) -> User:
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            user = UserRepository(session).by_email(EMAIL)
            assert user is not None
            return user
    finally:
        engine.dispose()


def test_apikey_create_prints_its_id_and_list_and_revoke_use_it(database: str) -> None:
    created = runner.invoke(app, ["apikey", "create", "--owner", EMAIL, "--name", "lab"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert key.startswith("nmk_") and "\n" not in key
    found = re.search(r"id ([0-9a-f-]{36})", created.stderr)
    assert found, created.stderr
    key_id = found.group(1)
    listed = runner.invoke(app, ["apikey", "list"])
    assert listed.exit_code == 0 and key_id in listed.stdout
    row = next(line for line in listed.stdout.splitlines() if line.startswith(key_id)).split("\t")
    assert row[1:4] == [EMAIL, "lab", key[:12] + "..."] and row[-1] == "active"
    assert key not in listed.stdout  # never the whole key
    assert runner.invoke(app, ["apikey", "revoke", key_id]).exit_code == 0
    after = runner.invoke(app, ["apikey", "list", "--owner", EMAIL])
    assert "\trevoked " in after.stdout
    assert runner.invoke(app, ["apikey", "list", "--owner", "nobody@example.org"]).exit_code == 2
    assert runner.invoke(app, ["apikey", "revoke", key_id]).exit_code == 2


def test_deactivate_reactivate_and_end_sessions_raise_the_token_generation(database: str) -> None:
    start = _user(database).token_generation
    assert runner.invoke(app, ["user", "deactivate", EMAIL]).exit_code == 0
    user = _user(database)
    assert not user.active and user.token_generation == start + 1
    assert "\tinactive\t" in runner.invoke(app, ["user", "list"]).stdout
    assert runner.invoke(app, ["user", "reactivate", EMAIL]).exit_code == 0
    assert runner.invoke(app, ["user", "end-sessions", EMAIL]).exit_code == 0
    user = _user(database)
    assert user.active and user.token_generation == start + 3
    assert runner.invoke(app, ["user", "deactivate", "nobody@example.org"]).exit_code == 2


def test_passwd_needs_the_old_password_and_reset_does_not(database: str) -> None:
    wrong = ["user", "passwd", EMAIL, "--old-password", "not it at all", "--password", "second long password"]
    assert runner.invoke(app, wrong).exit_code == 2
    assert verify_password(_user(database).password_hash, "first long password")
    right = [
        "user",
        "passwd",
        EMAIL,
        "--old-password",
        "first long password",
        "--password",
        "second long password",
    ]
    assert runner.invoke(app, right).exit_code == 0
    assert verify_password(_user(database).password_hash, "second long password")
    short = runner.invoke(app, ["user", "reset-password", EMAIL, "--password", "short"])
    assert short.exit_code == 2
    reset = runner.invoke(app, ["user", "reset-password", EMAIL, "--password", "third long password"])
    assert reset.exit_code == 0, reset.output
    user = _user(database)
    assert verify_password(user.password_hash, "third long password") and user.token_generation == 2


def test_cli_audits_account_changes(database: str) -> None:
    runner.invoke(app, ["user", "deactivate", EMAIL])
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            rows, _ = AuditLog(session).query(AuditFilter(action="user.deactivate"), 10, 0)
            assert [row.actor for row in rows] == ["cli"]
            assert session.query(ApiKey).count() == 0
    finally:
        engine.dispose()
