"""Issue 16: a ``nervemap serve`` process freezes its start-up heap out of the cyclic garbage collector.

Its ~800,000 long-lived objects (the compiled knowledge base and the frameworks' structures) made every
full collection a 200 ms stall of all requests in the process under load (H8's trace at 100 clients:
gen-2 collections of 0.8-0.9 s wall time, the periodic tail of the p99)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nervemap.api import cli


@pytest.fixture
def unfrozen() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_the_workers_factory_freezes_the_heap_it_built(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, unfrozen: None
) -> None:
    monkeypatch.setenv("NERVEMAP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NERVEMAP_SECRET_KEY", "x" * 40)
    assert gc.get_freeze_count() == 0
    served = cli.served_app()
    assert served.state.knowledge is not None
    frozen = gc.get_freeze_count()
    assert frozen > 100_000  # the app's own structures, not a handful
    # a full collection walks generations 0-2, never the permanent one the frozen objects moved to (the
    # collection's time is a benchmark figure, benchmarks/service_load.py, not a unit test's)
    assert len(gc.get_objects(generation=2)) < frozen // 10
    # and the young generation is large enough that a request's objects are mostly gone before a
    # collection looks at them (the in-flight requests' objects made full collections of 100-230 ms)
    assert gc.get_threshold() == cli.SERVE_GC_THRESHOLDS
    assert cli.SERVE_GC_THRESHOLDS[0] >= 10_000


def test_serve_workers_use_that_factory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    def run(target: Any, **kwargs: Any) -> None:
        seen.update(kwargs, target=target)

    monkeypatch.setattr(cli, "run_workers", run)
    monkeypatch.setenv("NERVEMAP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NERVEMAP_MIGRATE_ON_STARTUP", "false")
    monkeypatch.setenv("NERVEMAP_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("NERVEMAP_RATE_LIMIT_FILE", str(tmp_path / "limits.db"))
    result = CliRunner().invoke(cli.app, ["serve", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert seen["target"] == "nervemap.api.cli:served_app" and seen["factory"] is True
