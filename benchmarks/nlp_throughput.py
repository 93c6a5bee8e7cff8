"""Clinical-text extraction throughput: short notes per second on one core, pipeline loaded.

Run: .venv/bin/python benchmarks/nlp_throughput.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import itertools
import os
import time

NOTES = [
    "62 y/o M with 3 weeks of LBP radiating down the back of the left leg to the little toe.",
    "SLR positive at 40° on the left, negative crossed SLR. EHL 4/5 on the left.",
    "DTRs 2+ and symmetric except absent left Achilles. Decreased sensation in the L5 distribution.",
    "Denies bowel or bladder dysfunction. No saddle anaesthesia. Afebrile.",
    "A 45-year-old woman with sudden onset of right buttock pain after lifting, worse with coughing.",
    "MRI showed a left paracentral L4-5 disc herniation and mild L5-S1 foraminal stenosis.",
    "History of breast cancer, on apixaban. Temp 38.4 C. Pulse 112/min.",
    "Bilateral buttock and posterior thigh pain, L>R, worse with walking and relieved by sitting.",
]


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
