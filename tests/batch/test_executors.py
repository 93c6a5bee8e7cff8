"""Where partitions run does not change a byte: this process, a process pool, a Dask cluster."""

from __future__ import annotations

from pathlib import Path

import pytest

from nervemap.batch import run_batch
from tests.batch.conftest import PARTITION, SIZE


@pytest.fixture(scope="module")
def inline(jsonl_input: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("inline") / "assessments.jsonl"
    run_batch(jsonl_input, output, partition_size=PARTITION, workers=0)
    return output


def same_files(left: Path, right: Path) -> bool:
    errors = ".errors.jsonl"
    return left.read_bytes() == right.read_bytes() and (
        Path(str(left) + errors).read_bytes() == Path(str(right) + errors).read_bytes()
    )


def test_a_process_pool_gives_the_same_bytes(inline: Path, jsonl_input: Path, tmp_path: Path) -> None:
    output = tmp_path / "assessments.jsonl"
    result = run_batch(jsonl_input, output, partition_size=PARTITION, workers=2)
    assert result.complete and result.records == SIZE
    assert 1 <= len(result.peak_rss_bytes) <= 2
    assert all(peak > 50 * 2**20 for peak in result.peak_rss_bytes.values())
    assert same_files(output, inline)


@pytest.mark.dask
def test_a_local_dask_cluster_gives_the_same_bytes(inline: Path, jsonl_input: Path, tmp_path: Path) -> None:
    output = tmp_path / "assessments.jsonl"
    result = run_batch(jsonl_input, output, scheduler="local", partition_size=PARTITION)
    assert result.complete and result.records == SIZE
    assert same_files(output, inline)
