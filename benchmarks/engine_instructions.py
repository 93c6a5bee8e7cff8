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
        totals = [line for line in out.read_text().splitlines() if line.startswith("totals:")]
        instructions = int(totals[0].split()[1])
    command = f".venv/bin/python benchmarks/engine_instructions.py --detail {args.detail}"
    print(
        f"assess(case, detail={args.detail!r}): {instructions / calls / 1e6:.3f} M instructions per call "
        f"({calls} calls, golden cases)  [{command}]"
    )


if __name__ == "__main__":
    main()
