"""Several workers starting at once agree on one generated signing key (issue 16, --workers)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nervemap.settings import Settings


def test_concurrent_first_use_yields_one_complete_key(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = list(pool.map(lambda _: Settings(data_dir=folder).signing_key(), range(32)))
    assert len(set(keys)) == 1 and len(keys[0]) >= 32
    assert (folder / "secret_key").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in folder.iterdir()] == ["secret_key"]  # no temporary file left
