"""Append a likelihood to a condition file, keeping its comments and layout.

Usage: python scripts/kb_add_likelihood.py CONDITION FINDING VALUE SOURCE "DETAIL-OR-REASON"
(an authoring helper; the knowledge check validates the result).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parents[1] / "src" / "nervemap" / "knowledge" / "data"


def add(condition: str, finding: str, value: float, source: str, text: str) -> None:
    path = DATA / "conditions" / f"{condition}.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if any(item["finding"] == finding for item in document["likelihoods"]):
        raise SystemExit(f"{condition} already lists {finding}")
    key = "reason" if source == "expert-estimate" else "detail"
    entry = yaml.safe_dump(
        [{"finding": finding, "p": {"value": value, "source": source, key: text}}],
        sort_keys=False,
        width=110,
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("likelihoods:"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i][:1].isalpha()), len(lines))
    lines[end:end] = entry.rstrip("\n").splitlines()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    add(sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5])
