"""FastAPI's native OpenTelemetry instrumentation stays off (issue 16, privacy): its spans would carry
raw paths and queries (patient-link tokens, record ids, filters) that the access log keeps out, and it
asked on every request whether a provider was configured."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from opentelemetry import trace

from nervemap.app import create_app
from nervemap.settings import Settings


class _ConfiguredTracing:
    """Stands for an operator's tracer provider (any provider FastAPI does not take for a default)."""

    def get_tracer(self, *_: Any, **__: Any) -> Any:
        return trace.NoOpTracer()


def test_native_telemetry_is_off_even_when_a_tracer_provider_is_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: _ConfiguredTracing())
    assert FastAPI()._native_telemetry.enabled()  # FastAPI's default would trace every request
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/t.db", secret_key="x" * 40)
    assert not create_app(settings)._native_telemetry.enabled()
