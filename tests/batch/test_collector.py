"""Garbage collection is paused for a partition only in the batch's own worker processes (issue 16:
never process-wide from the caller's or a server's threads)."""

from __future__ import annotations

import gc

import pytest

from nervemap.batch import work


def test_not_paused_outside_a_dedicated_worker() -> None:
    assert gc.isenabled()
    with work._collector_paused():
        assert gc.isenabled()
    assert gc.isenabled()


def test_paused_in_a_dedicated_worker_and_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(work, "_DEDICATED", True)
    with pytest.raises(RuntimeError), work._collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("a failing partition")
    assert gc.isenabled()
