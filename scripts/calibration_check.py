"""How well calibrated is the top-1 probability, and would one temperature fix it?

For each evaluation file, runs nervemap over every case with an expected condition and keeps the
whole condition posterior. It then reports, per file, Brier and the reliability table of the top-1
probability for the posterior as it is (T = 1) and for tempered posteriors p_i^T / sum_j p_j^T
(T > 1 sharpens, T < 1 flattens; the ranking never changes), and fits T by 10-fold
cross-validation (minimum Brier of the top-1 probability) on the pooled cases whose expected
condition is modelled (the differential is P(condition | the cause is modelled):
docs/how-it-reasons.md, "Priors"). Nothing is written: this is the analysis behind any
calibration parameter, to be re-run after knowledge changes (issue 12, reliability floor).

Usage: .venv/bin/python scripts/calibration_check.py [FILE.jsonl ...] [--t 1.4 --t 1.5]
(default files: golden, development set, rootset).
"""

from __future__ import annotations

import argparse
import json
import math
import random
from pathlib import Path
from typing import Any

import nervemap.engine.core as engine_assess
from nervemap.evaluation.metrics import condition_hit, has_condition
from nervemap.evaluation.runner import evaluate_file

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [
    ROOT / "tests/golden/cases.jsonl",
    ROOT / "tests/data/devset.jsonl",
    ROOT / "tests/data/rootset.jsonl",
]
GRID = [round(0.6 + 0.05 * i, 2) for i in range(39)]  # 0.6 .. 2.5
Row = dict[str, Any]


def collect(path: Path) -> list[Row]:
    # list every condition, not only the report's top entries
    engine_assess.TOP_CONDITIONS = 10_000
    engine_assess.LISTED_PROBABILITY = 0.0
    conditions = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            conditions[str(row.get("id"))] = (row.get("expect") or {}).get("condition")
    rows: list[Row] = []
    for outcome in evaluate_file(path).outcomes:
        expectation, assessment = outcome.pair
        if not outcome.in_scope or not has_condition(expectation) or assessment is None:
            continue
        rows.append(
            {
                "file": path.name,
                "id": outcome.id,
                "modelled": conditions.get(outcome.id) is not None,
                "p": [d.probability for d in assessment.differential],
                "hit": [condition_hit(expectation, d) for d in assessment.differential],
            }
        )
    return rows


def top1(rows: list[Row], t: float) -> list[tuple[float, bool]]:
    points = []
    for row in rows:
        powered = [max(p, 1e-12) ** t for p in row["p"]]
        total = sum(powered)
        best = max(range(len(powered)), key=powered.__getitem__)
        points.append((powered[best] / total, bool(row["hit"][best])))
    return points


def brier(points: list[tuple[float, bool]]) -> float:
    return sum((p - float(y)) ** 2 for p, y in points) / len(points) if points else math.nan


def reliability(points: list[tuple[float, bool]]) -> str:
    cells = []
    for i in range(5):
        lower, upper = i / 5, (i + 1) / 5
        inside = [(p, y) for p, y in points if lower <= p < upper or (i == 4 and p == 1.0)]
        if inside:
            mean_p = sum(p for p, _ in inside) / len(inside)
            accuracy = sum(y for _, y in inside) / len(inside)
            flag = " *" if len(inside) >= 10 and abs(mean_p - accuracy) > 0.1 else ""
            cells.append(f"[{lower:.1f},{upper:.1f}) n={len(inside)} p={mean_p:.2f} acc={accuracy:.2f}{flag}")
    return "\n    ".join(cells)


def best_t(rows: list[Row]) -> float:
    return min(GRID, key=lambda t: brier(top1(rows, t)))


def cross_validated(rows: list[Row], folds: int = 10, seed: int = 0) -> tuple[list[float], float]:
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    parts = [order[k::folds] for k in range(folds)]
    fitted, held_out = [], []
    for k in range(folds):
        train = [rows[i] for j in range(folds) if j != k for i in parts[j]]
        t = best_t(train)
        fitted.append(t)
        held_out += top1([rows[i] for i in parts[k]], t)
    return fitted, brier(held_out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--t", action="append", type=float, default=[], help="also show this temperature")
    args = parser.parse_args()
    rows = [row for path in args.files for row in collect(path)]
    modelled = [row for row in rows if row["modelled"]]
    fitted, cv_brier = cross_validated(modelled)
    t_all = best_t(modelled)
    print(f"cases with an expected condition: {len(rows)} ({len(modelled)} modelled)")
    print(f"T fitted on all modelled cases: {t_all}; 10-fold CV fits {fitted}")
    print(f"CV Brier {cv_brier:.4f} vs untempered {brier(top1(modelled, 1.0)):.4f}")
    for t in sorted({1.0, t_all, *args.t}):
        print(f"\nT = {t}")
        for name in dict.fromkeys(row["file"] for row in rows):
            subset = [row for row in rows if row["file"] == name]
            points = top1(subset, t)
            print(f"  {name}: Brier {brier(points):.4f} (n={len(points)})\n    {reliability(points)}")
    print("\n* a bin with n >= 10 whose mean probability is more than 0.1 from its accuracy")


if __name__ == "__main__":
    main()
