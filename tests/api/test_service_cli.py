from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from nervemap.api.cli import DEMO_EMAIL, DEMO_PASSWORD, app
from nervemap.store.db import make_engine
from nervemap.store.migrate import current_revision
from nervemap.store.models import ApiKey, AssessmentRecord, User

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{(tmp_path / 'cli.db').as_posix()}"
    monkeypatch.setenv("NERVEMAP_DATABASE_URL", url)
    monkeypatch.setenv("NERVEMAP_DATA_DIR", str(tmp_path))
    return url


def _count(url: str, model: type[User] | type[ApiKey] | type[AssessmentRecord]) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(model)).scalar_one())
    finally:
        engine.dispose()


def test_db_upgrade_and_downgrade(database: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert current_revision(database) is not None
    assert runner.invoke(app, ["db", "downgrade"]).exit_code == 0
    assert current_revision(database) is None


def test_user_add_and_apikey_create(database: str) -> None:
    result = runner.invoke(
        app, ["user", "add", "a@example.org", "--role", "admin", "--password", "long password 1"]
    )
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["user", "add", "a@example.org", "--password", "long password 1"])
    assert again.exit_code == 2
    short = runner.invoke(app, ["user", "add", "b@example.org", "--password", "short"])
    assert short.exit_code == 2
    key = runner.invoke(app, ["apikey", "create", "--owner", "a@example.org", "--scope", "admin"])
    assert key.exit_code == 0, key.output
    assert key.stdout.strip().startswith("nmk_")
    assert runner.invoke(app, ["apikey", "create", "--owner", "nobody@example.org"]).exit_code == 2
    # two users: the one added here and the inactive patient-interview service user (migration 0002)
    assert _count(database, User) == 2 and _count(database, ApiKey) == 1


def test_demo_data(database: str) -> None:
    result = runner.invoke(app, ["demo-data"])
    assert result.exit_code == 0, result.output
    assert DEMO_EMAIL in result.stdout and DEMO_PASSWORD in result.stdout
    assert _count(database, AssessmentRecord) == 3
