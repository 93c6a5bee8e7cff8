"""Issue 16: ``nervemap serve`` runs its server processes with one BLAS thread unless the user's
environment says otherwise (checked on the environment it hands uvicorn; no server is started)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nervemap.api import cli
from nervemap.api.cli import app
from nervemap.blas import VARIABLES, default_one_thread


def test_unset_variables_default_to_one_thread_and_the_users_own_are_kept() -> None:
    env = {"OMP_NUM_THREADS": "4"}
    assert default_one_thread(env) == ["OPENBLAS_NUM_THREADS"]
    assert env == {"OMP_NUM_THREADS": "4", "OPENBLAS_NUM_THREADS": "1"}
    assert default_one_thread(env) == []  # a second call changes nothing


def _serve(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> dict[str, str]:
    """The environment ``serve`` hands to uvicorn (whose workers inherit it)."""
    seen: dict[str, str] = {}

    def run(*_: Any, **__: Any) -> None:
        seen.update({name: os.environ.get(name, "<unset>") for name in VARIABLES})

    monkeypatch.setattr(cli, "run_workers", run)
    monkeypatch.setenv("NERVEMAP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NERVEMAP_MIGRATE_ON_STARTUP", "false")
    monkeypatch.setenv("NERVEMAP_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("NERVEMAP_RATE_LIMIT_FILE", str(tmp_path / "limits.db"))
    result = CliRunner().invoke(app, ["serve", *args])
    assert result.exit_code == 0, result.output
    return seen


def test_serve_workers_start_with_one_blas_thread(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert _serve(monkeypatch, tmp_path, "--workers", "2") == dict.fromkeys(VARIABLES, "1")


def test_the_users_thread_setting_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    seen = _serve(monkeypatch, tmp_path, "--workers", "2")
    assert seen == {"OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "1"}
