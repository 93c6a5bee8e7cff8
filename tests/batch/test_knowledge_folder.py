"""``nervemap batch --data FOLDER``: every record is assessed with that knowledge base, in the
workers as well as inline, and a work folder never mixes parts from two knowledge bases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from nervemap.batch.cli import app
from nervemap.batch.formats import BatchError
from nervemap.batch.run import run_batch
from nervemap.knowledge.loader import default_knowledge, knowledge_version
from tests.batch.conftest import write_jsonl

SMALL_KB = Path(__file__).resolve().parents[1] / "fixtures" / "kb_small"
SMALL_CONDITIONS = {"ces", "disc", "fibular", "strain"}
RECORDS = [
    {
        "id": "structured",
        "age": 45,
        "sex": "female",
        "findings": [{"id": "back_pain"}, {"id": "pain_below_knee"}],
    },
    {"id": "note", "text": "45 year old woman with low back pain spreading to the left buttock."},
]


@pytest.fixture
def small_input(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "in.jsonl", RECORDS)


@pytest.mark.parametrize("workers", [0, 1], ids=["inline", "process-pool"])
def test_every_record_is_assessed_with_the_given_knowledge(
    small_input: Path, tmp_path: Path, workers: int
) -> None:
    output = tmp_path / "out.parquet"
    result = run_batch(small_input, output, workers=workers, knowledge=SMALL_KB)
    assert result.complete and result.errors == 0
    rows = pq.read_table(output).to_pylist()
    assert {row["knowledge_version"] for row in rows} == {"fixture-1"}
    assert {row["condition_id"] for row in rows} <= SMALL_CONDITIONS


def test_full_records_carry_the_given_knowledge(small_input: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    run_batch(small_input, output, workers=0, knowledge=SMALL_KB)
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(RECORDS)
    for record in records:
        assert record["knowledge_version"] == "fixture-1"
        assert {c["id"] for c in record["differential"]} <= SMALL_CONDITIONS


def test_without_a_folder_the_packaged_knowledge_is_used(small_input: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.parquet"
    run_batch(small_input, output, workers=0)
    rows = pq.read_table(output).to_pylist()
    assert {row["knowledge_version"] for row in rows} == {default_knowledge().knowledge.version}
    assert knowledge_version() == default_knowledge().knowledge.version
    assert not {row["condition_id"] for row in rows} <= SMALL_CONDITIONS


def test_parts_of_another_knowledge_base_are_not_resumed(small_input: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.parquet"
    run_batch(small_input, output, workers=0, knowledge=SMALL_KB, partition_size=1, max_partitions=1)
    with pytest.raises(BatchError, match="belongs to another input or other settings"):
        run_batch(small_input, output, workers=0, partition_size=1)
    assert not output.exists()


def test_a_knowledge_folder_that_does_not_validate_stops_the_batch_first(
    small_input: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "kb"
    shutil.copytree(SMALL_KB, broken)
    (broken / "conditions" / "disc.yaml").write_text("id: disc\nname: [unclosed\n", encoding="utf-8")
    with pytest.raises(BatchError, match=r"knowledge folder '.*kb' has \d+ problem"):
        run_batch(small_input, tmp_path / "out.parquet", workers=0, knowledge=broken)
    assert not (tmp_path / "out.parquet.parts").exists()


def test_the_command_names_a_missing_knowledge_folder(small_input: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = CliRunner().invoke(
        app, [str(small_input), "--out", str(tmp_path / "out.csv"), "--data", str(missing), "--workers", "0"]
    )
    assert result.exit_code == 2
    assert "nowhere' is not a folder" in result.output


def test_the_command_passes_the_knowledge_folder(small_input: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.csv"
    arguments = [str(small_input), "--out", str(output), "--data", str(SMALL_KB), "--workers", "0"]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    assert "fixture-1" in output.read_text(encoding="utf-8")
