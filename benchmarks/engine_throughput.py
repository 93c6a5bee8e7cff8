"""Engine speed on realistic cases: single-case latency and batch throughput on one core.

Run: make bench   (or: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/engine_throughput.py)
Prints median / p99 latency of one full assessment (with its evidence record), and throughput of
(a) vectorised scoring of encoded cases, (b) encoding, (c) full assessments, in cases/s.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import json
import statistics
import time
from importlib import resources
from pathlib import Path
from typing import Any

from nervemap.engine.assess import assess, assess_many, stack_encoded
from nervemap.engine.case import Case
from nervemap.engine.compiled import default_compiled
from nervemap.engine.encode import encode_case
from nervemap.engine.inference import infer

ROOT = Path(__file__).resolve().parents[1]


def realistic_cases() -> list[dict[str, Any]]:
    """Golden clinical cases when present, else the bundled examples."""
    golden = ROOT / "tests" / "golden" / "cases.jsonl"
    if golden.is_file():
        return [json.loads(line)["case"] for line in golden.read_text().splitlines() if line.strip()]
    folder = resources.files("nervemap") / "examples"
    return [json.loads(e.read_text()) for e in folder.iterdir() if e.name.endswith(".json")]


def main() -> None:
    compiled = default_compiled()
    base = [Case.model_validate(c) for c in realistic_cases()]
    for case in base:  # warm-up
        assess(case, compiled)

    latencies = []
    for _ in range(max(1, 2000 // len(base))):
        for case in base:
            start = time.perf_counter()
            assess(case, compiled)
            latencies.append(time.perf_counter() - start)
    latencies.sort()
    p99 = latencies[int(0.99 * (len(latencies) - 1))]
    print(f"cases: {len(base)} realistic (golden) cases, {len(latencies)} timed single assessments")
    median = statistics.median(latencies) * 1e3
    print(f"single case, full assessment: median {median:.3f} ms, p99 {p99 * 1e3:.3f} ms")

    encoded = [encode_case(c, compiled) for c in base]
    batch = (encoded * (100_000 // len(encoded) + 1))[:100_000]
    start = time.perf_counter()
    matrices = stack_encoded(compiled, batch)
    stacked = time.perf_counter()
    infer(compiled, *matrices)
    scored = time.perf_counter()
    rate = len(batch) / (scored - stacked)
    print(f"batch scoring (matrix products over 100,000 encoded cases): {rate:,.0f} cases/s")
    print(f"stacking encoded cases into matrices: {len(batch) / (stacked - start):,.0f} cases/s")

    many = (base * (5_000 // len(base) + 1))[:5_000]
    start = time.perf_counter()
    for case in many:
        encode_case(case, compiled)
    elapsed = time.perf_counter() - start
    print(f"encoding (validation + evidence vectors): {len(many) / elapsed:,.0f} cases/s")

    start = time.perf_counter()
    assess_many(many, compiled)
    elapsed = time.perf_counter() - start
    print(f"full assessments with evidence (assess_many, 5,000 cases): {len(many) / elapsed:,.0f} cases/s")


if __name__ == "__main__":
    main()
