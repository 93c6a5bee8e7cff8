"""Small batch inputs built from the golden cases and short notes, with bad records mixed in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "cases.jsonl"
NOTES = [
    "62 y/o M with 3 weeks of LBP radiating down the back of the left leg to the little toe.",
    "SLR positive at 40° on the left, negative crossed SLR. EHL 4/5 on the left.",
    "DTRs 2+ and symmetric except absent left Achilles. Decreased sensation in the L5 distribution.",
    "Denies bowel or bladder dysfunction. No saddle anaesthesia. Afebrile.",
    "A 45-year-old woman with sudden onset of right buttock pain after lifting, worse with coughing.",
    "Bilateral buttock and posterior thigh pain, L>R, worse with walking and relieved by sitting.",
]
# position in the input -> (bad record, the start of the error message it must give)
BAD: dict[int, tuple[dict[str, Any], str]] = {
    7: ({"id": "too-old", "age": 500}, "invalid case: age"),
    45: ({"id": "unknown-finding", "findings": [{"id": "no_such_finding"}]}, "invalid case: findings[0].id"),
    46: ({"id": "note-number", "text": 12}, "unreadable note: "),  # Parquet: "no text"
    90: ({"age": 40}, "record has no id"),
    131: ({"id": "note-extra", "text": "LBP", "author": "x"}, "unreadable note: unknown field(s) author"),
}
SIZE = 200
PARTITION = 40


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "dask: starts a 2-process Dask LocalCluster on loopback (~30 s)")


def golden_cases() -> list[dict[str, Any]]:
    return [json.loads(line)["case"] for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line]


def build_records(size: int = SIZE) -> list[dict[str, Any]]:
    cases = golden_cases()
    records: list[dict[str, Any]] = []
    for index in range(size):
        if index in BAD:
            records.append(BAD[index][0])
        elif index % 3 == 0:
            records.append({"id": f"note-{index}", "text": NOTES[index % len(NOTES)]})
        else:
            records.append({**cases[index % len(cases)], "id": f"case-{index}"})
    return records


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def write_parquet(path: Path, records: list[dict[str, Any]]) -> Path:
    """One column per top-level field (a text that is not a string becomes null)."""
    records = [{**r, "text": None} if not isinstance(r.get("text", ""), str) else r for r in records]
    keys = sorted({key for record in records for key in record})
    pq.write_table(pa.table({key: [r.get(key) for r in records] for key in keys}), path)
    return path


@pytest.fixture(scope="session")
def records() -> list[dict[str, Any]]:
    return build_records()


@pytest.fixture(scope="session")
def jsonl_input(tmp_path_factory: pytest.TempPathFactory, records: list[dict[str, Any]]) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("input") / "records.jsonl", records)


@pytest.fixture(scope="session")
def parquet_input(tmp_path_factory: pytest.TempPathFactory, records: list[dict[str, Any]]) -> Path:
    return write_parquet(tmp_path_factory.mktemp("input") / "records.parquet", records)
