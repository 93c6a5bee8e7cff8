from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from nervemap.settings import Settings
from nervemap.store.db import make_engine


def test_defaults_and_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.sqlalchemy_url() == "sqlite:///data/nervemap.db"
    assert (settings.host, settings.port, settings.max_body_bytes) == ("127.0.0.1", 8000, 1_048_576)
    monkeypatch.setenv("NERVEMAP_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("NERVEMAP_LINK_EXPIRY_HOURS", "2")
    settings = Settings()
    assert settings.sqlalchemy_url() == "postgresql+psycopg://u@h/db" and settings.link_expiry_hours == 2


def test_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    key = settings.signing_key()
    assert len(key) >= 32
    assert Settings(data_dir=tmp_path / "data").signing_key() == key
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o777 == 0o600
    assert Settings(data_dir=tmp_path, secret_key="given").signing_key() == b"given"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        engine.dispose()
