"""Clinical-text extraction throughput: short notes per second on one core, pipeline loaded.

Run: .venv/bin/python benchmarks/nlp_throughput.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import itertools
import os
import time
from pathlib import Path

NOTES = (Path(__file__).parent / "short_notes.txt").read_text(encoding="utf-8").splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    started = time.perf_counter()
    from nervemap.nlp import extract

    for note in NOTES:  # builds the pipeline once
        extract(note)
    loaded = time.perf_counter() - started

    count = 0
    chars = 0
    begin = time.perf_counter()
    cpu_begin = time.process_time()
    for note in itertools.cycle(NOTES):
        extract(note)
        count += 1
        chars += len(note)
        if count % 100 == 0 and time.perf_counter() - begin >= args.seconds:
            break
    elapsed = time.perf_counter() - begin
    cpu = time.process_time() - cpu_begin
    print(f"pipeline load + warm-up: {loaded:.2f} s")
    print(f"{count} notes ({chars / count:.0f} characters on average) in {elapsed:.2f} s")
    print(f"throughput: {count / elapsed:.0f} notes/second on one core (wall clock)")
    print(f"            {count / cpu:.0f} notes per CPU-second (unaffected by other load)")


if __name__ == "__main__":
    main()
