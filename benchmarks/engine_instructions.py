"""Instructions per single-case assessment, counted by valgrind's callgrind.

Run: .venv/bin/python benchmarks/engine_instructions.py [--detail full|headline] [--repeat 2]
(needs valgrind: Debian's package `valgrind`).

A count of instructions is the same whatever else the machine runs, so on a shared machine it
shows a change of a few per cent that wall-clock medians cannot (docs/scaling.md, "One case
alone, session 12"). The golden cases are assessed twice as warm-up, then ``--repeat`` times with
callgrind's instrumentation switched on around that loop only (``callgrind_control -i on``): the
figure is the instructions of that loop divided by the number of calls. It counts instructions,
not time: a change that saves instructions the processor runs cheaply (interpreter dispatch) saves
less time than its share of the count.

``--simulate`` also runs callgrind's cache and branch simulation (several times slower) and prints,
per call, the first-level instruction and data cache misses, the last-level misses and the
mispredicted conditional and indirect branches: the interpreter waits mostly on its front end
(docs/scaling.md, "One case alone, session 16"), which a count of instructions does not show.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from nervemap.engine.assess import Detail, assess

ROOT = Path(__file__).resolve().parents[1]
INNER = "NERVEMAP_INSTRUCTIONS_INNER"


def inner(detail: Detail, repeat: int) -> None:
    """Under callgrind: warm up, then count the timed loop only."""
    from nervemap.engine.case import Case
    from nervemap.engine.compiled import default_compiled

    golden = ROOT / "tests" / "golden" / "cases.jsonl"
    cases = [
        Case.model_validate(json.loads(line)["case"]) for line in golden.read_text().splitlines() if line
    ]
    compiled = default_compiled()
    for _ in range(2):
        for case in cases:
            assess(case, compiled, detail=detail)
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "-i", "on", pid], check=True, capture_output=True)
    for _ in range(repeat):
        for case in cases:
            assess(case, compiled, detail=detail)
    subprocess.run(["callgrind_control", "-i", "off", pid], check=True, capture_output=True)
    print(repeat * len(cases))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--detail", choices=("full", "headline"), default="full")
    parser.add_argument("--repeat", type=int, default=2, help="counted passes over the golden cases")
    parser.add_argument(
        "--simulate", action="store_true", help="also simulate the caches and the branch predictor"
    )
    args = parser.parse_args()
    if os.environ.get(INNER):
        inner("full" if args.detail == "full" else "headline", args.repeat)
        return
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("valgrind (with callgrind_control) is needed: apt-get install valgrind")
    with tempfile.TemporaryDirectory(prefix="nervemap-callgrind-") as folder:
        out = Path(folder) / "callgrind.out"
        env = {**os.environ, INNER: "1", "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1"}
        env.setdefault("OPENBLAS_NUM_THREADS", "1")
        done = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                *(["--cache-sim=yes", "--branch-sim=yes"] if args.simulate else []),
                "--instr-atstart=no",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                "--detail",
                args.detail,
                "--repeat",
                str(args.repeat),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        calls = int(done.stdout.split()[-1])
        lines = out.read_text().splitlines()
        events = next(line for line in lines if line.startswith("events:")).split()[1:]
        totals = dict(
            zip(
                events,
                map(int, next(line for line in lines if line.startswith("totals:")).split()[1:]),
                strict=True,
            )
        )
    command = f".venv/bin/python benchmarks/engine_instructions.py --detail {args.detail}"
    print(
        f"assess(case, detail={args.detail!r}): {totals['Ir'] / calls / 1e6:.3f} M instructions per call "
        f"({calls} calls, golden cases)  [{command}]"
    )
    if args.simulate:
        # callgrind's event names: I1mr/D1mr/D1mw first-level misses, ILmr/DLmr/DLmw last-level,
        # Bcm/Bim mispredicted conditional/indirect branches (of Bc/Bi executed)
        per_call = {name: value / calls / 1e3 for name, value in totals.items()}  # thousands
        data = per_call["D1mr"] + per_call["D1mw"]
        last = per_call["ILmr"] + per_call["DLmr"] + per_call["DLmw"]
        print(
            f"simulated, per call: first-level misses {per_call['I1mr']:.1f} K instruction, "
            f"{data:.1f} K data; last-level {last:.2f} K; mispredicted branches {per_call['Bcm']:.1f} K "
            f"of {per_call['Bc']:.0f} K conditional, {per_call['Bim']:.1f} K of {per_call['Bi']:.0f} K "
            f"indirect  [{command} --simulate]"
        )


if __name__ == "__main__":
    main()
