"""Resuming: an interrupted run finished by a rerun gives the clean run's bytes, and no partition
is done twice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nervemap.batch import BatchError, BatchProgress, run_batch
from tests.batch.conftest import PARTITION, SIZE

PARTS = -(-SIZE // PARTITION)


@pytest.fixture(scope="module", params=["assessments.jsonl", "flat.parquet"])
def clean(
    request: pytest.FixtureRequest, jsonl_input: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    output = tmp_path_factory.mktemp("clean") / str(request.param)
    run_batch(jsonl_input, output, partition_size=PARTITION, workers=0)
    return output


def same_files(left: Path, right: Path) -> bool:
    errors = ".errors.jsonl"
    return left.read_bytes() == right.read_bytes() and (
        Path(str(left) + errors).read_bytes() == Path(str(right) + errors).read_bytes()
    )


def test_a_run_stopped_after_some_partitions_resumes_to_the_same_bytes(
    clean: Path, jsonl_input: Path, tmp_path: Path
) -> None:
    output = tmp_path / clean.name
    first = run_batch(jsonl_input, output, partition_size=PARTITION, workers=0, max_partitions=2)
    assert not first.complete and first.parts_run == 2
    assert not output.exists()
    assert len(list((tmp_path / (clean.name + ".parts")).glob("part-*.errors.jsonl"))) == 2

    reports: list[BatchProgress] = []
    second = run_batch(jsonl_input, output, partition_size=PARTITION, workers=0, progress=reports.append)
    assert second.complete
    assert (second.parts_resumed, second.parts_run) == (2, PARTS - 2)
    assert reports[0].parts_done == 2 and reports[-1].records_done == SIZE
    assert same_files(output, clean)


def test_a_lost_part_is_redone_and_only_it(clean: Path, jsonl_input: Path, tmp_path: Path) -> None:
    output = tmp_path / clean.name
    run_batch(jsonl_input, output, partition_size=PARTITION, workers=0, keep_parts=True)
    parts = tmp_path / (clean.name + ".parts")
    (parts / f"part-000003{clean.suffix}").unlink()
    output.unlink()
    again = run_batch(jsonl_input, output, partition_size=PARTITION, workers=0)
    assert (again.parts_resumed, again.parts_run) == (PARTS - 1, 1)
    assert same_files(output, clean)
    assert not parts.exists()


def test_a_torn_manifest_line_is_dropped(clean: Path, jsonl_input: Path, tmp_path: Path) -> None:
    output = tmp_path / clean.name
    run_batch(jsonl_input, output, partition_size=PARTITION, workers=0, max_partitions=1)
    manifest = tmp_path / (clean.name + ".parts") / "manifest.jsonl"
    with open(manifest, "a", encoding="utf-8") as handle:
        handle.write('{"number": 1, "rec')  # a crash in the middle of an append
    result = run_batch(jsonl_input, output, partition_size=PARTITION, workers=0)
    assert (result.parts_resumed, result.parts_run) == (1, PARTS - 1)
    assert same_files(output, clean)


def test_a_work_folder_of_other_settings_is_refused_unless_restarted(
    jsonl_input: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out.jsonl"
    run_batch(jsonl_input, output, partition_size=PARTITION, workers=0, max_partitions=1)
    with pytest.raises(BatchError, match="another input or other settings"):
        run_batch(jsonl_input, output, partition_size=PARTITION * 2, workers=0, max_partitions=1)
    result = run_batch(
        jsonl_input, output, partition_size=PARTITION * 2, workers=0, restart=True, max_partitions=1
    )
    assert (result.parts_resumed, result.parts_run) == (0, 1)


def test_an_input_changed_since_the_interruption_is_refused(jsonl_input: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    shutil.copy(jsonl_input, source)
    output = tmp_path / "out.jsonl"
    run_batch(source, output, partition_size=PARTITION, workers=0, max_partitions=1)
    with open(source, "a", encoding="utf-8") as handle:
        handle.write('{"id": "late", "age": 50}\n')
    with pytest.raises(BatchError, match="another input"):
        run_batch(source, output, partition_size=PARTITION, workers=0)
