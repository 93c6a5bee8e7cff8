"""SQLite's synchronous setting (issue 16): full by default (docs/safety.md H9), normal on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from nervemap.settings import Settings
from nervemap.store.db import make_engine

PRAGMA_VALUE = {"normal": 1, "full": 2}  # what PRAGMA synchronous answers


def _synchronous(url: str, *args: str) -> tuple[int, str]:
    engine = make_engine(url, *args)
    try:
        with engine.connect() as connection:
            value = connection.exec_driver_sql("PRAGMA synchronous").scalar_one()
            mode = connection.execute(text("PRAGMA journal_mode")).scalar_one()
            return int(value), str(mode)
    finally:
        engine.dispose()


def test_the_default_syncs_every_commit_in_wal_mode(tmp_path: Path) -> None:
    assert _synchronous(f"sqlite:///{tmp_path / 'a.db'}") == (PRAGMA_VALUE["full"], "wal")


def test_normal_on_request(tmp_path: Path) -> None:
    assert _synchronous(f"sqlite:///{tmp_path / 'b.db'}", "normal") == (PRAGMA_VALUE["normal"], "wal")


def test_an_unknown_value_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="sqlite_synchronous"):
        make_engine(f"sqlite:///{tmp_path / 'c.db'}", "off")


def test_the_setting_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NERVEMAP_SQLITE_SYNCHRONOUS", raising=False)
    assert Settings().sqlite_synchronous == "full"
    monkeypatch.setenv("NERVEMAP_SQLITE_SYNCHRONOUS", "normal")
    assert Settings().sqlite_synchronous == "normal"
    monkeypatch.setenv("NERVEMAP_SQLITE_SYNCHRONOUS", "off")
    with pytest.raises(ValueError, match="sqlite_synchronous"):
        Settings()


def test_the_app_opens_its_database_with_the_setting(tmp_path: Path) -> None:
    from nervemap.app import create_app

    settings = Settings(data_dir=tmp_path, sqlite_synchronous="normal", migrate_on_startup=False)
    app = create_app(settings)
    with app.state.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar_one() == PRAGMA_VALUE["normal"]
    app.state.engine.dispose()
