"""Batch throughput and scaling: structured cases and clinical notes, on one worker process and on a
2-worker local Dask cluster, with each worker's peak memory.

Run: .venv/bin/python benchmarks/batch_scaling.py [--cases 20000] [--notes 2000] [--output parquet]
     [--only cases|notes] [--no-dask]
Prints, per input kind and executor: wall time, wall throughput (start-up included), steady
throughput (from the first finished partition to the last, start-up excluded), records per
CPU-second of the workers (independent of other load on the machine), peak RSS per worker, and
the scaling ratio of the 2-worker cluster over one worker.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nervemap.batch import BatchProgress, BatchResult, run_batch
from nervemap.batch.runners import available_cores

ROOT = Path(__file__).resolve().parents[1]
NOTES = (Path(__file__).parent / "short_notes.txt").read_text(encoding="utf-8").splitlines()


@dataclass(frozen=True)
class Measure:
    label: str
    records: int
    wall: float
    steady: float | None
    result: BatchResult


def golden_cases() -> list[dict[str, Any]]:
    golden = ROOT / "tests" / "golden" / "cases.jsonl"
    return [json.loads(line)["case"] for line in golden.read_text(encoding="utf-8").splitlines() if line]


def write_inputs(folder: Path, cases: int, notes: int) -> tuple[Path, Path]:
    base = golden_cases()
    structured, text = folder / "cases.jsonl", folder / "notes.jsonl"
    with open(structured, "w", encoding="utf-8") as handle:
        for i in range(cases):
            handle.write(json.dumps({**base[i % len(base)], "id": f"case-{i}"}) + "\n")
    with open(text, "w", encoding="utf-8") as handle:
        for i in range(notes):  # two sentences a note, varied
            note = f"{NOTES[i % len(NOTES)]} {NOTES[(i * 3 + 1) % len(NOTES)]}"
            handle.write(json.dumps({"id": f"note-{i}", "text": note}) + "\n")
    return structured, text


def measure(label: str, source: Path, output: Path, partition: int, **options: Any) -> Measure:
    stamps: list[tuple[float, int]] = []

    def progress(report: BatchProgress) -> None:
        if report.parts_done:
            stamps.append((time.perf_counter(), report.records_done))

    start = time.perf_counter()
    result = run_batch(source, output, partition_size=partition, restart=True, progress=progress, **options)
    wall = time.perf_counter() - start
    steady = None
    if len(stamps) >= 2 and stamps[-1][0] > stamps[0][0]:
        steady = (stamps[-1][1] - stamps[0][1]) / (stamps[-1][0] - stamps[0][0])
    return Measure(label, result.records, wall, steady, result)


def show(measure: Measure) -> None:
    peaks = ", ".join(f"{peak / 2**20:,.0f}" for peak in sorted(measure.result.peak_rss_bytes.values()))
    steady = f"{measure.steady:,.0f}" if measure.steady else "n/a"
    print(
        f"  {measure.label:<22} {measure.records:>7,} in {measure.wall:6.1f} s | "
        f"wall {measure.records / measure.wall:6,.0f}/s | steady {steady:>6}/s | "
        f"per CPU-second {measure.records / max(measure.result.cpu_seconds, 1e-9):6,.0f} | "
        f"peak RSS per worker (MiB): {peaks}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=20_000, help="structured cases (default 20,000)")
    parser.add_argument("--notes", type=int, default=2_000, help="clinical notes (default 2,000)")
    parser.add_argument("--case-partition", type=int, default=2_000)
    parser.add_argument("--note-partition", type=int, default=250)
    parser.add_argument("--output", choices=["parquet", "jsonl", "csv"], default="parquet")
    parser.add_argument("--only", choices=["cases", "notes"], help="one input kind only")
    parser.add_argument("--no-dask", action="store_true", help="one worker process only (no Dask cluster)")
    args = parser.parse_args()
    print(f"cores visible: {available_cores()}, CPUs on the machine: {os.cpu_count()}")
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")

    with tempfile.TemporaryDirectory(prefix="nervemap-batch-bench-") as tmp:
        folder = Path(tmp)
        structured, notes = write_inputs(folder, args.cases, args.notes)
        for kind, source, partition in (
            ("structured cases", structured, args.case_partition),
            ("notes", notes, args.note_partition),
        ):
            if args.only and not kind.endswith(args.only):
                continue
            print(f"{kind} (partitions of {partition:,}, output .{args.output}):")
            one = measure("1 worker process", source, folder / f"one.{args.output}", partition, workers=1)
            show(one)
            if args.no_dask:
                continue
            two = measure(
                "Dask LocalCluster x2", source, folder / f"dask.{args.output}", partition, scheduler="local"
            )
            show(two)
            if one.steady and two.steady:
                print(f"  scaling (steady, 2 workers / 1): {two.steady / one.steady:.2f}x")
            print(f"  scaling (wall, 2 workers / 1):   {one.wall / two.wall:.2f}x")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
