"""Inputs and outputs: JSON Lines and Parquet in; full JSON Lines, flat Parquet and CSV out."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from nervemap.batch import FLAT_COLUMNS, BatchError, run_batch
from tests.batch.conftest import BAD, PARTITION, SIZE, write_jsonl

CONTRACT = {"id", "source", "localization", "differential", "triage", "severity", "plan", "knowledge_version"}


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def jsonl_run(jsonl_input: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("out") / "assessments.jsonl"
    result = run_batch(jsonl_input, output, partition_size=PARTITION, workers=0)
    assert result.complete and result.records == SIZE and result.errors == len(BAD)
    return output


def test_jsonl_output_holds_one_full_assessment_per_good_record_in_input_order(
    jsonl_run: Path, records: list[dict[str, Any]]
) -> None:
    assessments = lines(jsonl_run)
    expected = [r["id"] for i, r in enumerate(records) if i not in BAD]
    assert [a["id"] for a in assessments] == expected
    assert all(set(a) >= CONTRACT for a in assessments)
    assert all(a["case_id"] == a["id"] for a in assessments)
    notes = [a for a in assessments if a["id"].startswith("note-")]
    assert notes and all("extraction_warnings" in a for a in notes)
    assert not (jsonl_run.parent / "assessments.jsonl.parts").exists()


def test_bad_records_are_reported_with_their_id_and_reason_and_the_batch_goes_on(jsonl_run: Path) -> None:
    errors = lines(Path(str(jsonl_run) + ".errors.jsonl"))
    assert [e["record"] for e in errors] == sorted(BAD)
    for error in errors:
        bad, message = BAD[error["record"]]
        assert error["id"] == bad.get("id")
        assert error["error"].startswith(message), error


def test_parquet_in_parquet_out_gives_one_flat_row_per_record(
    parquet_input: Path, jsonl_run: Path, records: list[dict[str, Any]], tmp_path: Path
) -> None:
    output = tmp_path / "flat.parquet"
    result = run_batch(parquet_input, output, partition_size=PARTITION, workers=0)
    assert result.complete and result.errors == len(BAD)
    table = pq.read_table(output)
    assert tuple(table.column_names) == FLAT_COLUMNS
    rows = table.to_pylist()
    assert [row["id"] for row in rows] == [r.get("id") for r in records]
    full = {a["id"]: a for a in lines(jsonl_run)}
    for index, row in enumerate(rows):
        if index in BAD:
            assert row["error"].startswith(BAD[index][1]) and row["p_spinal"] is None
            continue
        assessment = full[row["id"]]
        assert row["error"] is None
        assert row["p_spinal"] == assessment["source"]["p_spinal"]
        assert row["condition_id"] == assessment["differential"][0]["id"]
        assert row["condition_3_id"] == assessment["differential"][2]["id"]
        assert row["root"] == assessment["localization"][0]["root"]
        assert row["triage_level"] == assessment["triage"]["level"]
        assert row["red_flags"] == "|".join(f["id"] for f in assessment["triage"]["red_flags"])
    errors = lines(Path(str(output) + ".errors.jsonl"))
    assert [(e["id"], e["record"]) for e in errors] == [(BAD[i][0].get("id"), i) for i in sorted(BAD)]
    assert errors[2]["error"] == "unreadable note: no text"


def test_csv_output_has_a_header_and_one_row_per_record(jsonl_input: Path, tmp_path: Path) -> None:
    output = tmp_path / "flat.csv"
    run_batch(jsonl_input, output, partition_size=PARTITION, workers=0)
    with open(output, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == FLAT_COLUMNS
    assert len(rows) == SIZE
    assert rows[7]["error"].startswith("invalid case: age")


def test_invalid_json_lines_and_blank_lines(tmp_path: Path) -> None:
    source = tmp_path / "broken.jsonl"
    source.write_text('{"id": "a", "age": 30}\n\nnot json\n[1, 2]\n', encoding="utf-8")
    result = run_batch(source, tmp_path / "out.jsonl", workers=0)
    assert (result.records, result.errors) == (3, 2)
    errors = lines(tmp_path / "out.jsonl.errors.jsonl")
    assert [(e["record"], e["error"].split(" (")[0]) for e in errors] == [
        (1, "not valid JSON"),
        (2, "expected a JSON object, got list"),
    ]
    assert [a["id"] for a in lines(tmp_path / "out.jsonl")] == ["a"]


def test_an_empty_input_gives_empty_outputs(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "empty.jsonl", [])
    result = run_batch(source, tmp_path / "out.parquet", workers=0)
    assert result.complete and result.records == 0
    assert pq.read_table(tmp_path / "out.parquet").num_rows == 0
    assert (tmp_path / "out.parquet.errors.jsonl").read_text() == ""


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("cases.txt", "out.jsonl", "input"),
        ("cases.jsonl", "out.xlsx", "output"),
    ],
)
def test_unknown_formats_are_refused(tmp_path: Path, source: str, target: str, message: str) -> None:
    (tmp_path / source).write_text("", encoding="utf-8")
    with pytest.raises(BatchError, match=message):
        run_batch(tmp_path / source, tmp_path / target, workers=0)


def test_bad_settings_are_refused(jsonl_input: Path, tmp_path: Path) -> None:
    with pytest.raises(BatchError, match="partition size"):
        run_batch(jsonl_input, tmp_path / "out.jsonl", partition_size=0)
    with pytest.raises(BatchError, match="scheduler"):
        run_batch(jsonl_input, tmp_path / "out.jsonl", scheduler="localhost")


def test_the_partition_size_does_not_change_the_output(
    jsonl_run: Path, jsonl_input: Path, tmp_path: Path
) -> None:
    output = tmp_path / "assessments.jsonl"
    run_batch(jsonl_input, output, partition_size=SIZE, workers=0)
    assert output.read_bytes() == jsonl_run.read_bytes()
