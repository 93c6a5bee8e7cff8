"""Interleaved A/B of the interview's answer step in process, for a machine shared with other work.

Two worker processes, one per source tree (e.g. two clean git worktrees), build the same
transitions of the golden interviews (``interview_simulation.transitions_of``; each timed by its
``step_seconds``, as ``--step-cpu`` does: the saved state and step read, the answer, the next step,
the state and step saved) and then time them
one at a time, alternately (A then B, B then A on the next), so both see the same load. Each
transition's least CPU time of ROUNDS is kept; printed: p50/p95/max of each and the per-transition
ratio B/A (median) and the ratio of the sums.

    .venv/bin/python benchmarks/interview_step_ab.py --rounds 3 TREE_A TREE_B

where TREE_A and TREE_B hold ``src/nervemap`` and ``tests/golden/cases.jsonl`` (each worker runs
with ``PYTHONPATH=TREE/src``). Both trees must ask the same questions (the transition counts agree).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path


def worker(golden: Path, mode: str) -> None:
    """Build the transitions, print their number, then time transition i for each i read."""
    # the step and the transitions as interview_simulation.py --step-cpu defines them (this script's
    # folder is on the path); its nervemap is the tree's own, through PYTHONPATH
    from interview_simulation import step_seconds, transitions_of

    from nervemap.engine.case import Case
    from nervemap.engine.compiled import default_compiled
    from nervemap.interview.incremental import warm

    compiled = default_compiled()
    warm(compiled)
    rows = [json.loads(line) for line in golden.read_text().splitlines() if line.strip()]
    cases = [Case.model_validate(row["case"]) for row in rows]
    transitions = transitions_of(cases, mode, compiled)  # type: ignore[arg-type]
    print(len(transitions), flush=True)
    for line in sys.stdin:
        print(step_seconds(transitions[int(line)], compiled), flush=True)


def _percentiles(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    p50 = ordered[len(ordered) // 2]
    return f"p50 {p50 * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, max {ordered[-1] * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs=2, type=Path, metavar="TREE")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mode", choices=["patient", "clinician"], default="clinician")
    parser.add_argument("--worker", type=Path, default=None, help=argparse.SUPPRESS)
    if "--worker" in sys.argv:
        at = sys.argv.index("--worker")
        worker(Path(sys.argv[at + 1]), sys.argv[sys.argv.index("--mode") + 1])
        return
    args = parser.parse_args()
    procs = []
    for tree in args.trees:
        tree = tree.resolve()
        env = dict(os.environ, PYTHONPATH=str(tree / "src"))
        golden = tree / "tests" / "golden" / "cases.jsonl"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            str(golden),
            "--mode",
            args.mode,
        ]
        procs.append(
            subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        )
    counts = [int(p.stdout.readline()) for p in procs if p.stdout is not None]
    if counts[0] != counts[1]:
        sys.exit(f"the trees ask different questions: {counts[0]} and {counts[1]} transitions")
    n = counts[0]
    best = [[float("inf")] * n, [float("inf")] * n]
    for r in range(args.rounds):
        for i in range(n):
            for k in (0, 1) if (i + r) % 2 == 0 else (1, 0):
                stdin, stdout = procs[k].stdin, procs[k].stdout
                assert stdin is not None and stdout is not None
                stdin.write(f"{i}\n")
                stdin.flush()
                best[k][i] = min(best[k][i], float(stdout.readline()))
    for p in procs:
        if p.stdin is not None:
            p.stdin.close()
        p.wait()
    ratios = sorted(b / a for a, b in zip(best[0], best[1], strict=True))
    print(f"command: python benchmarks/interview_step_ab.py --rounds {args.rounds} --mode {args.mode} A B")
    print(f"{n} transitions, least CPU of {args.rounds} each, A and B alternated one transition at a time")
    print(f"A {args.trees[0]}: {_percentiles(best[0])}")
    print(f"B {args.trees[1]}: {_percentiles(best[1])}")
    print(
        f"B/A per transition: median {ratios[n // 2]:.3f}; "
        f"sum of B / sum of A {sum(best[1]) / sum(best[0]):.3f}"
    )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
