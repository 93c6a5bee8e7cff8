"""Engine speed on realistic cases: single-case latency and batch throughput on one core.

Run: make bench   (or: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/engine_throughput.py;
``--only single`` for the single-case latencies alone)
Prints, each with the call it measures: latency of one assessment (headline and full, of a validated
Case, as an engine caller gives it; and full from a dict, the Case's validation included; and each
case's least CPU time over ``--rounds`` runs, averaged, the figure to alternate for an A/B), and the
throughput of batches: the headline core (posteriors, localisation, triage, severity, plan ids;
encoding included), headline and full Assessment records, a `nervemap batch` partition of structured
cases to Parquet as one worker runs it after start-up (JSON lines read into Cases, headlines, flat
rows written; ``--only batch`` or ``--only parquet``), encoding alone (per case and batch) and the
vectorised scoring alone. Batch figures are given per wall second and per CPU second of this process
(the second does not count time other programs on a shared machine take). benchmarks/batch_scaling.py
runs the same partitions through the batch's process pool and a Dask cluster.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from nervemap.batch.formats import OutputFormat
from nervemap.batch.work import PartTask, process_partition, warm_up_dedicated
from nervemap.engine.assess import DETAILS, assess, assess_many, headlines, stack_encoded
from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled
from nervemap.engine.encode import encode_case
from nervemap.engine.encode_batch import encode_batch
from nervemap.engine.inference import infer

ROOT = Path(__file__).resolve().parents[1]
COMMAND = "OMP_NUM_THREADS=1 .venv/bin/python benchmarks/engine_throughput.py"


def realistic_cases() -> list[dict[str, Any]]:
    """Golden clinical cases when present, else the bundled examples."""
    golden = ROOT / "tests" / "golden" / "cases.jsonl"
    if golden.is_file():
        return [json.loads(line)["case"] for line in golden.read_text().splitlines() if line.strip()]
    folder = resources.files("nervemap") / "examples"
    return [json.loads(e.read_text()) for e in folder.iterdir() if e.name.endswith(".json")]


def rate(label: str, call: str, n: int, run: Callable[[], object], repeat: int = 3) -> None:
    """The best of ``repeat`` runs (the least disturbed by other load), per wall and CPU second."""
    best_wall, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    print(f"{label}: {n / best_wall:,.0f} cases/s (per CPU second {n / best_cpu:,.0f})  [{call}]")


def latency(label: str, call: str, cases: list[Case], run: Callable[[Case], object], total: int) -> None:
    """Wall-clock median and p99 of one call, and its median CPU time (this process only: on a
    shared machine the wall clock also counts the time other programs hold the core)."""
    times, cpu_times = [], []
    for _ in range(max(1, total // len(cases))):
        for case in cases:
            start, cpu = time.perf_counter(), time.process_time()
            run(case)
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu)
    times.sort()
    p99 = times[int(0.99 * (len(times) - 1))]
    median = statistics.median(times)
    print(
        f"{label}: median {median * 1e3:.3f} ms, p99 {p99 * 1e3:.3f} ms, median CPU "
        f"{statistics.median(cpu_times) * 1e3:.3f} ms ({len(times)} runs)  [{call}]"
    )


def least_cpu(label: str, call: str, cases: list[Case], run: Callable[[Case], object], rounds: int) -> None:
    """Each case's least CPU time (this thread's clock) over ``rounds`` runs, averaged over the cases:
    the single-case figure other programs on a shared machine move least. A change is compared by
    alternating runs of this before and after (docs/scaling.md, "One case alone, session 13"):
    instruction counts overstate what removing cheap interpreter steps saves."""
    best = [float("inf")] * len(cases)
    clock = time.thread_time_ns
    for _ in range(rounds):
        for i, case in enumerate(cases):
            start = clock()
            run(case)
            spent = clock() - start
            if spent < best[i]:
                best[i] = spent
    mean_us = sum(best) / len(best) / 1e3
    print(
        f"{label}: per-case least CPU time, mean over {len(cases)} cases {mean_us:.1f} us "
        f"(least of {rounds} runs each)  [{call}]"
    )


def parquet_partition(cases: list[dict[str, Any]], size: int) -> None:
    """One `nervemap batch` partition of structured cases to Parquet, as a worker process runs it
    after start-up (batch/work.process_partition: JSON lines read into Cases, headlines, flat rows
    written to a part file), timed in this process: the issue's per-worker floor. This process is
    marked as the batch's process pool marks its workers (warm_up_dedicated: nothing else runs
    here while a partition does), so the cyclic collector is paused during each partition, as in
    a worker; the batches timed after this do not run partitions and keep it."""
    warm_up_dedicated(notes=False)
    lines = [json.dumps({**cases[i % len(cases)], "id": f"case-{i}"}) for i in range(size)]
    with tempfile.TemporaryDirectory(prefix="nervemap-bench-") as folder:

        def run() -> None:
            process_partition(
                PartTask(number=0, first_record=0, folder=folder, output=OutputFormat.PARQUET, lines=lines)
            )

        run()  # warm-up: the worker's tables and caches
        rate(
            f"batch to Parquet, one worker's partition of {size:,} (read, headline, write)",
            "batch.work.process_partition(JSON lines -> .parquet)",
            size,
            run,
            repeat=5,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--batch", type=int, default=5_000, help="cases per batch (default 5,000)")
    parser.add_argument("--single", type=int, default=2_000, help="timed single assessments (default 2,000)")
    parser.add_argument(
        "--only",
        choices=("single", "batch", "parquet"),
        default=None,
        help="only the single-case latencies, the batches, or the Parquet partition",
    )
    parser.add_argument(
        "--partition", type=int, default=2_000, help="cases per Parquet partition (default 2,000)"
    )
    parser.add_argument(
        "--rounds", type=int, default=40, help="runs per case for the least CPU times (default 40)"
    )
    args = parser.parse_args()
    compiled = default_compiled()
    base = [Case.model_validate(c) for c in realistic_cases()]
    for case in base:  # warm-up: compiled tables and caches
        assess(case, compiled, detail="full")
        assess(case, compiled, detail="headline")
    assess_many(base, compiled)
    print(f"command: {COMMAND}")
    print(f"python {sys.version.split()[0]}, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"cases: {len(base)} realistic (golden) cases, repeated to batches of {args.batch:,}")
    if args.only != "batch":
        latency(
            "single case, headline", 'assess(case, detail="headline")', base,
            lambda c: assess(c, compiled, detail="headline"), args.single,
        )  # fmt: skip
        latency(
            "single case, full (with evidence)", 'assess(case, detail="full")', base,
            lambda c: assess(c, compiled, detail="full"), args.single,
        )  # fmt: skip
        # the same call given the case as a dict (as read from JSON): the Case is validated in the call
        as_dicts = {id(c): c.model_dump(mode="json", by_alias=True, exclude_unset=True) for c in base}
        latency(
            "single case, full, from a dict (Case validation included)", 'assess(case_dict, detail="full")',
            base, lambda c: assess(as_dicts[id(c)], compiled, detail="full"), args.single,
        )  # fmt: skip
        for detail in DETAILS:
            least_cpu(
                f"single case, {detail}", f'assess(case, detail="{detail}")', base,
                lambda c, d=detail: assess(c, compiled, detail=d), args.rounds,
            )  # fmt: skip
    if args.only == "single":
        return
    parquet_partition(realistic_cases(), args.partition)
    if args.only == "parquet":
        return

    many = (base * (args.batch // len(base) + 1))[: args.batch]
    n = len(many)
    rate("batch, headline core (encoding included)", "headlines(cases)", n, lambda: headlines(many, compiled))
    rate(
        "batch, headline Assessment records",
        'assess_many(cases, detail="headline")',
        n,
        lambda: assess_many(many, compiled, detail="headline"),
    )
    rate(
        "batch, full Assessment records (with evidence)",
        'assess_many(cases, detail="full")',
        n,
        lambda: assess_many(many, compiled, detail="full"),
        repeat=1,
    )
    rate("encoding, batch encoder", "encode_batch(cases)", n, lambda: encode_batch(many, compiled))
    rate(
        "encoding, per-case reference encoder",
        "[encode_case(c) for c in cases]",
        n,
        lambda: [encode_case(c, compiled) for c in many],
        repeat=1,
    )
    encoded = [encode_case(c, compiled) for c in base]
    batch = (encoded * (100_000 // len(encoded) + 1))[:100_000]
    chunks = [stack_encoded(compiled, batch[i : i + 4096]) for i in range(0, len(batch), 4096)]
    rate(
        "scoring only (matrix products, 100,000 encoded cases in chunks of 4,096)",
        "infer(*matrices)",
        len(batch),
        lambda: [infer(compiled, *matrices) for matrices in chunks],
    )


if __name__ == "__main__":
    main()
