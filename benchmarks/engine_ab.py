"""One case alone, two versions of the engine in one process: an A/B of per-case CPU time.

Run: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/engine_ab.py TREE_A TREE_B [--rounds 40]
(TREE_A, TREE_B: two checkouts of nervemap, e.g. clean worktrees made with ``git worktree add``.)

Runs on a shared machine disagree by a few per cent between processes (the load, the other
programs' use of the caches), as much as a change to one case's path is worth. Here both versions
run in this one process: TREE_B's package is copied to a temporary folder under another name
(every ``nervemap`` word in its Python files becomes ``nervemapb``), each loads its own knowledge
base, and the golden cases of TREE_A are assessed by the two in turn, round after round (the order
of the two swapped each round). Each case's least CPU time (this thread's clock) over the rounds is
kept; the figure is the mean over the cases, and B/A their ratio. The same tree given twice shows
the method's bias (0.999-1.001 on the 2-core machine at load 12-14). The copy's strings change
too ("nervemapb-localisation"); before timing, each golden assessment of the two (full and headline) is
compared as JSON with that word put back, and the cases whose answers differ are named: a speed change
must give the same answers. (The text sets are checked with ``nervemap evaluate -f json`` in each tree.)
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import importlib
import json
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

COMMAND = "OMP_NUM_THREADS=1 .venv/bin/python benchmarks/engine_ab.py TREE_A TREE_B"
RENAMED = "nervemapb"


def renamed_copy(tree: Path, folder: Path) -> None:
    """TREE's package copied into ``folder`` as RENAMED, its own imports pointing at itself."""
    target = folder / RENAMED
    shutil.copytree(tree / "src" / "nervemap", target, ignore=shutil.ignore_patterns("__pycache__"))
    word = re.compile(r"\bnervemap\b")
    for path in target.rglob("*.py"):
        path.write_text(word.sub(RENAMED, path.read_text()))


Assess = Callable[..., Any]


def loaded(package: str, cases: list[dict[str, Any]]) -> tuple[Assess, Any, list[Any]]:
    """``package``'s assess, its compiled knowledge base and the cases as its Case records (warm)."""
    assess = importlib.import_module(f"{package}.engine.assess").assess
    case_model = importlib.import_module(f"{package}.engine.case").Case
    compiled = importlib.import_module(f"{package}.engine.compiled").default_compiled()
    records = [case_model.model_validate(case) for case in cases]
    for record in records:
        for detail in ("full", "headline"):
            assess(record, compiled, detail)
    return assess, compiled, records


def differing(versions: list[tuple[Assess, Any, list[Any]]], ids: list[str]) -> list[str]:
    """The golden cases (and detail) whose assessment as JSON differs between the two versions, the
    renamed copy's package name put back in its output (no output of A holds the word RENAMED)."""
    (assess_a, compiled_a, records_a), (assess_b, compiled_b, records_b) = versions
    out = []
    for detail in ("full", "headline"):
        for case_id, record_a, record_b in zip(ids, records_a, records_b, strict=True):
            a = assess_a(record_a, compiled_a, detail).model_dump_json()
            b = assess_b(record_b, compiled_b, detail).model_dump_json().replace(RENAMED, "nervemap")
            if a != b:
                out.append(f"{case_id} ({detail})")
    return out


def least_cpu(versions: list[tuple[Assess, Any, list[Any]]], detail: str, rounds: int) -> list[list[int]]:
    """Per version, each case's least CPU time (ns) over ``rounds``, the versions taking turns."""
    best = [[10**18] * len(versions[0][2]) for _ in versions]
    clock = time.thread_time_ns
    for r in range(rounds):
        turn = range(len(versions)) if r % 2 == 0 else reversed(range(len(versions)))
        for v in turn:
            assess, compiled, records = versions[v]
            least = best[v]
            for i, record in enumerate(records):
                start = clock()
                assess(record, compiled, detail)
                spent = clock() - start
                if spent < least[i]:
                    least[i] = spent
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree_a", type=Path)
    parser.add_argument("tree_b", type=Path)
    parser.add_argument("--rounds", type=int, default=40, help="assessments of each case per version")
    args = parser.parse_args()
    golden = args.tree_a / "tests" / "golden" / "cases.jsonl"
    rows = [json.loads(line) for line in golden.read_text().splitlines() if line.strip()]
    cases = [row["case"] for row in rows]
    with tempfile.TemporaryDirectory(prefix="nervemap-ab-") as folder:
        renamed_copy(args.tree_b, Path(folder))
        sys.path.insert(0, str(args.tree_a / "src"))
        sys.path.insert(0, folder)
        a = loaded("nervemap", cases)
        b = loaded(RENAMED, cases)
        print(f"command: {COMMAND}")
        files = [importlib.import_module(name).__file__ for name in ("nervemap", RENAMED)]
        print(f"A: {files[0]}  B: {files[1]} (from {args.tree_b})")
        print(f"{len(cases)} golden cases of A, {args.rounds} rounds")
        changed = differing([a, b], [str(row["id"]) for row in rows])
        if changed:
            print(f"answers differ on {len(changed)}: {', '.join(changed)}")
        else:
            print("answers: every golden assessment the same as JSON in A and B (full and headline)")
        for detail in ("full", "headline"):
            best_a, best_b = least_cpu([a, b], detail, args.rounds)
            mean_a = sum(best_a) / len(best_a) / 1e3
            mean_b = sum(best_b) / len(best_b) / 1e3
            ratios = sorted(y / x for x, y in zip(best_a, best_b, strict=True))
            print(
                f"{detail}: per-case least CPU, mean A {mean_a:.1f} us, B {mean_b:.1f} us, B/A "
                f"{mean_b / mean_a:.3f} (median per-case ratio {ratios[len(ratios) // 2]:.3f}); "
                f"load average {os.getloadavg()[0]:.1f}"
            )


if __name__ == "__main__":
    main()
