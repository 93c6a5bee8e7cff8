from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from nervemap.settings import Settings
from nervemap.store.db import DatabasePathError, make_engine


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


def test_sqlite_file_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "data" / "nervemap.db"
    engine = make_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        created = [database, database.with_name("nervemap.db-wal"), database.with_name("nervemap.db-shm")]
        modes = {p.name: p.stat().st_mode & 0o777 for p in created if p.exists()}
        assert modes[database.name] == 0o600
        assert set(modes.values()) == {0o600}
    finally:
        engine.dispose()


def test_sqlite_file_that_exists_keeps_its_mode(tmp_path: Path) -> None:
    database = tmp_path / "kept.db"
    database.touch(mode=0o640)
    database.chmod(0o640)
    make_engine(f"sqlite:///{database}").dispose()
    assert database.stat().st_mode & 0o777 == 0o640


def test_database_folder_that_is_a_file_is_a_clear_error_naming_the_setting(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(DatabasePathError, match="NERVEMAP_DATABASE_URL") as raised:
        make_engine(f"sqlite:///{blocker / 'nervemap.db'}")
    assert str(blocker / "nervemap.db") in str(raised.value)
    with pytest.raises(DatabasePathError, match="NERVEMAP_DATA_DIR"):
        make_engine(Settings(data_dir=blocker / "data").sqlalchemy_url())


def test_the_command_line_reports_a_blocked_database_folder_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from nervemap.cli import main

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NERVEMAP_DATABASE_URL", raising=False)
    monkeypatch.setenv("NERVEMAP_DATA_DIR", str(blocker / "data"))
    monkeypatch.setattr("sys.argv", ["nervemap", "db", "upgrade"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "NERVEMAP_DATA_DIR" in err and "Traceback" not in err
