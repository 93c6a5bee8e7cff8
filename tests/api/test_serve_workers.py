"""Issue 16: ``nervemap serve --workers N`` gives a busy worker time to answer uvicorn's health check
before it is replaced (uvicorn's default of 5 s replaced loaded workers mid-benchmark)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from nervemap.api.cli import WORKER_HEALTHCHECK_S, app


def _serve_kwargs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def run(*_: Any, **kwargs: Any) -> None:
        seen.update(kwargs)

    monkeypatch.setattr(uvicorn, "run", run)
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
